import { randomUUID } from 'node:crypto';
import { AppError } from '@shopstack/kit';
import { checkPassword } from './password-policy.ts';
import { hashRefreshToken, newRefreshToken } from './refresh-token.ts';
import type { AccessTokenIssuer, LoginThrottle, RefreshTokenRepository, Session } from './session.ts';
import { normalizeEmail, type PasswordHasher, type User, type UserRepository } from './user.ts';

export interface IdentityDeps {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
  readonly accessTokens: AccessTokenIssuer;
  readonly refreshTokens: RefreshTokenRepository;
  readonly throttle: LoginThrottle;
  readonly passwordMinLength: number;
  readonly refreshTtlSeconds: number;
}

const badCredentials = (): AppError => new AppError(401, 'wrong e-mail or password');
const badRefresh = (): AppError => new AppError(401, 'the refresh token is not valid');

async function openSession(deps: IdentityDeps, user: User, refresh = newRefreshToken()): Promise<Session> {
  const access = await deps.accessTokens.issue(user);
  return {
    user,
    accessToken: access.token,
    refreshToken: refresh.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
  };
}

const expiry = (deps: IdentityDeps): Date => new Date(Date.now() + deps.refreshTtlSeconds * 1000);

async function newFamily(deps: IdentityDeps, user: User): Promise<Session> {
  const refresh = newRefreshToken();
  await deps.refreshTokens.create({
    userId: user.id,
    familyId: randomUUID(),
    tokenHash: refresh.hash,
    expiresAt: expiry(deps),
  });
  return openSession(deps, user, refresh);
}

export async function register(
  deps: IdentityDeps,
  input: { email: string; password: string; name: string },
): Promise<Session> {
  checkPassword(input.password, input.email, deps.passwordMinLength);
  const email = normalizeEmail(input.email);
  const passwordHash = await deps.hasher.hash(input.password);
  const user = await deps.users.create({ email, name: input.name, passwordHash, roles: ['customer'] });
  if (!user) {
    throw new AppError(409, 'an account with this e-mail already exists', {
      errors: [{ path: 'email', message: 'already registered' }],
    });
  }
  return newFamily(deps, user);
}

// verified against when the account does not exist, so that timing does not reveal which e-mails are registered
let decoy: Promise<string> | undefined;

export async function login(
  deps: IdentityDeps,
  input: { email: string; password: string },
  address: string,
): Promise<Session> {
  const email = normalizeEmail(input.email);
  await deps.throttle.check(email, address);
  const found = await deps.users.findCredentials(email);
  decoy ??= deps.hasher.hash(randomUUID());
  const ok = await deps.hasher.verify(found?.passwordHash ?? (await decoy), input.password);
  if (!found || !ok) {
    await deps.throttle.failed(email, address);
    throw badCredentials();
  }
  await deps.throttle.succeeded(email);
  return newFamily(deps, found.user);
}

export async function refresh(deps: IdentityDeps, token: string): Promise<Session> {
  const next = newRefreshToken();
  const outcome = await deps.refreshTokens.rotate(hashRefreshToken(token), {
    tokenHash: next.hash,
    expiresAt: expiry(deps),
  });
  if (outcome.kind !== 'rotated') throw badRefresh();
  const user = await deps.users.findById(outcome.userId);
  if (!user) throw badRefresh();
  return openSession(deps, user, next);
}

export async function logout(deps: IdentityDeps, token: string): Promise<void> {
  await deps.refreshTokens.revokeFamilyOf(hashRefreshToken(token));
}

export async function me(deps: IdentityDeps, userId: string): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('the user no longer exists');
  return user;
}

/** Creates the configured admin, or gives an existing account the admin role. */
export async function ensureAdmin(deps: IdentityDeps, email: string, password: string): Promise<void> {
  const normalized = normalizeEmail(email);
  const created = await deps.users.create({
    email: normalized,
    name: 'Administrator',
    passwordHash: await deps.hasher.hash(password),
    roles: ['customer', 'admin'],
  });
  if (!created) await deps.users.grantRole(normalized, 'admin');
}
