import { createHmac, timingSafeEqual } from 'node:crypto';

const TOLERANCE_MS = 5 * 60_000;

/** `t=<ms>,v1=<hex HMAC-SHA256 of "<ms>.<body>">`, as providers sign their webhooks. */
export function sign(secret: string, body: string, atMs: number = Date.now()): string {
  const mac = createHmac('sha256', secret).update(`${atMs}.${body}`).digest('hex');
  return `t=${atMs},v1=${mac}`;
}

/** Checks the signature and that it is recent (a replayed old webhook is refused). */
export function verify(secret: string, body: string, header: string | undefined, nowMs: number = Date.now()): boolean {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const at = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  if (!Number.isFinite(at) || Math.abs(nowMs - at) > TOLERANCE_MS) return false;
  const expected = createHmac('sha256', secret).update(`${at}.${body}`).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
