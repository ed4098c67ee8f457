import type { V1Ingress, V1IngressSpec } from '@kubernetes/client-node';
import type { Construct } from 'constructs';
import { type Labels, meta, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';

const traefik = 'traefik.ingress.kubernetes.io/router';

/** The `tls` of an Ingress of the shop (spec.ingress.tls, else the older tlsSecretName with its host). */
function tlsOf(ctx: ShopContext): V1IngressSpec['tls'] {
  const { host, tls, tlsSecretName } = ctx.spec.ingress;
  const hosts = host ? { hosts: [host] } : {};
  if (tls) return [{ ...hosts, secretName: tls.secretName }];
  return tlsSecretName && host ? [{ hosts: [host], secretName: tlsSecretName }] : undefined;
}

/**
 * An Ingress of the shop. With spec.ingress.tls it serves HTTPS only, with HSTS, and a twin on the HTTP
 * entry point redirects to it (Traefik's router annotations; other controllers ignore them).
 */
export function shopIngress(
  scope: Construct,
  id: string,
  ctx: ShopContext,
  name: string,
  labels: Labels,
  spec: V1IngressSpec,
): void {
  const { tls } = ctx.spec.ingress;
  const secure = tls && {
    [`${traefik}.entrypoints`]: 'websecure',
    [`${traefik}.tls`]: 'true',
    ...(tls.hstsMiddleware && { [`${traefik}.middlewares`]: tls.hstsMiddleware }),
  };
  const className = ctx.spec.ingress.className ? { ingressClassName: ctx.spec.ingress.className } : {};
  const tlsSpec = tlsOf(ctx);
  kubeObject<V1Ingress>(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(ctx, { name, labels, ...(secure && { annotations: secure }) }),
    spec: { ...className, ...(tlsSpec && { tls: tlsSpec }), ...spec },
  });
  if (!tls?.redirectMiddleware) return;
  kubeObject<V1Ingress>(scope, `${id}Redirect`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(ctx, {
      name: `${name}-http`,
      labels,
      annotations: { [`${traefik}.entrypoints`]: 'web', [`${traefik}.middlewares`]: tls.redirectMiddleware },
    }),
    spec: { ...className, ...spec },
  });
}
