import type { ServerResponse } from 'node:http';

/** The storefront server's one error type: the status and the sentence its problem+json carries. */
export class WebError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;

  constructor(status: number, title: string, detail?: string, type = 'about:blank') {
    super(detail ?? title);
    this.name = 'WebError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = type;
  }
}

/** The problem type of a gateway this server cannot reach; the page words it as an unreachable shop. */
export const unreachableType = 'urn:shopstack:gateway-unreachable';

export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function sendProblem(res: ServerResponse, err: WebError, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(err.status, {
    ...securityHeaders,
    ...headers,
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
  });
  res.end(
    JSON.stringify({ type: err.type, title: err.title, status: err.status, ...(err.detail && { detail: err.detail }) }),
  );
}
