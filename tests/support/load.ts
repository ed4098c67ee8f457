// A steady mixed load through the public API and the ingress's pages (the storefront, the Dapr view's
// login), as users would send it during an upgrade or a restart:
// one request at a time on a fixed beat, every answer recorded. It stays under the gateway's rate limits
// (600/min per address, 300/min per user): the point is to see every failure an operation causes, not
// the limiter's.
import { randomUUID } from 'node:crypto';
import type { CheckoutClient } from './checkout.ts';
import type { Session } from './storefront.ts';

export type RequestKind = 'read' | 'search' | 'cart' | 'order' | 'storefront' | 'view';

/** The page each page kind loads from the ingress. */
const pages: Partial<Record<RequestKind, string>> = { storefront: '/', view: '/dapr/login' };

export interface Answer {
  readonly kind: RequestKind;
  readonly status: number;
  readonly at: number;
  /** The accepted order's id (202), for the settlement checks. */
  readonly orderId?: string;
  /** What a failure said (status and the start of its body). */
  readonly detail?: string;
}

export interface LoadOptions {
  readonly api: CheckoutClient;
  readonly user: Session;
  readonly productId: string;
  /** The kinds sent in turn, e.g. ['search'] or ['read', 'search', 'cart', 'order']. */
  readonly mix: readonly RequestKind[];
  /** Milliseconds between two requests (default 300: 200 a minute). */
  readonly beatMs?: number;
}

export interface Load {
  /** Stops after the request in flight and returns every answer. */
  stop(): Promise<Answer[]>;
  answers(): readonly Answer[];
}

const words = ['mug', 'lamp', 'desk', 'chair', 'book', 'pen'];

async function send(opts: LoadOptions, kind: RequestKind, n: number): Promise<Answer> {
  const { api, user, productId } = opts;
  const at = Date.now();
  const page = pages[kind];
  try {
    // the API client's base is the ingress, which serves the pages too
    const res = page
      ? await api.call('GET', page)
      : kind === 'read'
        ? await api.call('GET', `/api/v1/products/${productId}`)
        : kind === 'search'
          ? await api.call('GET', `/api/v1/products?q=${words[n % words.length]}&limit=5`)
          : kind === 'cart'
            ? await api.call('PUT', `/api/v1/cart/items/${productId}`, {
                token: user.accessToken,
                body: { quantity: 1 + (n % 3) },
              })
            : await api.placeOrder(
                user.accessToken,
                { items: [{ productId, quantity: 1 }], payment: { token: 'tok_visa' } },
                randomUUID(),
              );
    const ok = kind === 'order' ? res.status === 202 : res.status === 200;
    return {
      kind,
      status: res.status,
      at,
      ...(kind === 'order' && ok && { orderId: res.body.id as string }),
      ...(!ok && { detail: JSON.stringify(res.body ?? '').slice(0, 200) }),
    };
  } catch (err) {
    return { kind, status: 0, at, detail: (err as Error).message };
  }
}

/** Starts the load; `stop()` ends it. */
export function startLoad(opts: LoadOptions): Load {
  const seen: Answer[] = [];
  const beatMs = opts.beatMs ?? 300;
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const began = Date.now();
      seen.push(await send(opts, opts.mix[n % opts.mix.length] ?? 'read', n));
      await new Promise((r) => setTimeout(r, Math.max(0, beatMs - (Date.now() - began))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
    answers: () => seen,
  };
}

/** The answers that failed: anything but 200 (202 for an order). */
export function failures(answers: readonly Answer[]): Answer[] {
  return answers.filter((a) => a.status !== (a.kind === 'order' ? 202 : 200));
}

/** "12 of 340 failed (read 3/100, ...)" for the test log. */
export function summary(answers: readonly Answer[]): string {
  const kinds = [...new Set(answers.map((a) => a.kind))];
  const failed = failures(answers);
  const per = kinds.map(
    (k) => `${k} ${failed.filter((a) => a.kind === k).length}/${answers.filter((a) => a.kind === k).length}`,
  );
  return `${failed.length} of ${answers.length} failed (${per.join(', ')})`;
}
