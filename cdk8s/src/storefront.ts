import type { V1Service } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
import { shopIngress } from './ingress-tls.ts';
import { webDeployment } from './web-deployment.ts';
import { kubeObject } from './kube-object.ts';
import { appPort } from './profiles.ts';
import { containerSecurity } from './security.ts';

const port = 8080;

/**
 * The shop's storefront (web/): the built page and its session endpoint, which proxies the page's API
 * calls to the gateway's Service with the token from an HttpOnly cookie. A hardened Deployment without a
 * Dapr sidecar or Kubernetes credentials, its Service, the NetworkPolicy that lets the ingress controller
 * reach it, and `/` on the ingress host (GatewayIngress then publishes only the API's paths).
 */
export class Storefront extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const name = objectName(ctx, 'storefront');
    const labels = objectLabels(ctx, 'storefront', 'storefront');
    const selector = selectorLabels(ctx, 'storefront');
    const { image, storefront, ingress } = ctx.spec;

    webDeployment(this, ctx, {
      name,
      labels,
      selector,
      pod: { automountServiceAccountToken: false },
      container: {
        name: 'storefront',
        image: storefront.image ?? `${image.registry}/storefront:${image.tag ?? ctx.spec.version}`,
        ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        env: [
          { name: 'PORT', value: String(port) },
          { name: 'HOST', value: '0.0.0.0' },
          { name: 'GATEWAY_URL', value: `http://${objectName(ctx, 'gateway')}` },
          // behind a TLS ingress the cookies are Secure (X-Forwarded-Proto: https)
          { name: 'COOKIE_SECURE', value: ingress.tls || ingress.tlsSecretName ? 'always' : 'auto' },
        ],
        securityContext: storefront.writableRootFilesystem
          ? { ...containerSecurity, readOnlyRootFilesystem: false }
          : containerSecurity,
      },
    });

    kubeObject<V1Service>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, { name, labels }),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });

    // the shop's default-deny policy covers this pod too; the ingress controller must reach it
    kubeObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, { name, labels }),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ protocol: 'TCP', port }] }],
        // the session endpoint proxies the page's API calls to the gateway (DNS: the shop's dns policy)
        egress: [
          {
            to: [{ podSelector: { matchLabels: selectorLabels(ctx, 'gateway') } }],
            ports: [{ protocol: 'TCP', port: appPort }],
          },
        ],
      },
    });

    if (!ingress.enabled) return;
    shopIngress(this, 'Ingress', ctx, name, labels, {
      rules: [
        {
          ...(ingress.host && { host: ingress.host }),
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }],
          },
        },
      ],
    });
  }
}
