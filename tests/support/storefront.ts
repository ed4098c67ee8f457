import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TestStack } from './stack.ts';

export const ADMIN = { email: 'admin@shopstack.test', password: 'admin-password-for-tests' };

/** Identity settings that make throttling and rotation observable within a test run. */
export const storefrontEnv = {
  identity: {
    SHOPSTACK_ADMIN_EMAIL: ADMIN.email,
    SHOPSTACK_ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
  },
  gateway: {
    JWKS_COOLDOWN_SECONDS: '1',
    RATE_LIMIT_PER_ADDRESS: '100000',
    RATE_LIMIT_PER_USER: '60',
    CORS_ORIGINS: 'https://shop.example',
  },
};

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { id: string; email: string; roles: string[] };
}

/** A small client for the public API of a test stack. */
export function apiClient(stack: Pick<TestStack, 'gatewayUrl'>) {
  const call = async (
    method: string,
    path: string,
    opts: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect response bodies ad hoc
  ): Promise<{ status: number; headers: Headers; body: any }> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${stack.gatewayUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    call,
    async register(overrides: Partial<{ email: string; password: string; name: string }> = {}): Promise<Session> {
      const res = await call('POST', '/api/v1/auth/register', {
        body: {
          email: `u-${randomUUID()}@example.com`,
          password: 'a long enough password',
          name: 'Test User',
          ...overrides,
        },
      });
      if (res.status !== 201) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as Session;
    },
    async login(email: string, password: string): Promise<Session> {
      const res = await call('POST', '/api/v1/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as Session;
    },
  };
}

/** A connection to one service's own database (tests only: to read what the API never shows). */
export async function serviceDb(stack: TestStack, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: stack.postgres.url(name) });
  await client.connect();
  return client;
}
