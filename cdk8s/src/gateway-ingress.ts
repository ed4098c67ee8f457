import { Construct } from 'constructs';
import { objectLabels, objectName, type ShopContext } from './context.ts';
import { shopIngress } from './ingress-tls.ts';

/** Publishes the gateway (the REST API at /api/v1, its docs and JWKS) on the ingress host. */
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
          http: { paths: [{ path: '/', pathType: 'Prefix', backend }] },
        },
      ],
    });
  }
}
