import type { V1Ingress } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';

/** The gateway's public paths when the storefront holds `/`: the REST API and docs, and the JWKS. */
export const gatewayPaths = ['/api', '/.well-known'];

/** Publishes the gateway (the REST API at /api/v1, its docs and JWKS) on the ingress host: all of it, or its paths beside the storefront. */
export class GatewayIngress extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const { ingress } = ctx.spec;
    const backend = { service: { name: objectName(ctx, 'gateway'), port: { name: 'http' } } };
    kubeObject<V1Ingress>(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(ctx, { name: objectName(ctx, 'gateway'), labels: objectLabels(ctx, 'gateway', 'edge') }),
      spec: {
        ...(ingress.className && { ingressClassName: ingress.className }),
        ...(ingress.tlsSecretName &&
          ingress.host && { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }),
        rules: [
          {
            ...(ingress.host && { host: ingress.host }),
            http: {
              paths: (ctx.spec.storefront.enabled ? gatewayPaths : ['/']).map((path) => ({
                path,
                pathType: 'Prefix',
                backend,
              })),
            },
          },
        ],
      },
    });
  }
}
