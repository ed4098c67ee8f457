import type { Request } from 'express';
import { AppError } from './errors.ts';

/** The end user on whose behalf a request runs, as verified by the gateway. */
export interface Caller {
  readonly id: string;
  readonly roles: readonly string[];
}

const USER = 'x-shopstack-user';
const ROLES = 'x-shopstack-roles';

/**
 * Headers the gateway adds when it forwards a request for a verified user. Services trust them
 * because only their own sidecar can reach them (APP_API_TOKEN) and only allowed apps can reach
 * that sidecar (mTLS + access control); the gateway strips them from public requests.
 */
export function callerHeaders(caller: Caller): Record<string, string> {
  return { [USER]: caller.id, [ROLES]: caller.roles.join(',') };
}

/** The caller of a request forwarded by the gateway; 401 when the request carries none. */
export function callerFrom(req: Request): Caller {
  const id = req.get(USER);
  if (!id) throw new AppError(401, 'authentication required');
  const roles = (req.get(ROLES) ?? '').split(',').filter(Boolean);
  return { id, roles };
}

export function requireRole(caller: Caller, role: string): void {
  if (!caller.roles.includes(role)) throw new AppError(403, `the ${role} role is required`);
}
