import { Construct } from 'constructs';
import { objectLabels, objectName, type ShopContext } from './context.ts';
import { shopIngress } from './ingress-tls.ts';

/** The gateway's public paths when the storefront holds `/`: the REST API and docs, and the JWKS. */
export const gatewayPaths = ['/api', '/.well-known'];

/** Publishes the gateway (the REST API at /api/v1, its docs and JWKS) on the ingress host: all of it, or its paths beside the storefront. */
export class GatewayIngress extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const { ingress } = ctx.spec;
    const backend = { service: { name: objectName(ctx, 'gateway'), port: { name: 'http' } } };
    shopIngress(this, 'Resource', ctx, objectName(ctx, 'gateway'), objectLabels(ctx, 'gateway', 'edge'), {
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
    });
  }
}
