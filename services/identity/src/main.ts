import { join } from 'node:path';
import { connectRedis, createPool, migrateFrom, runMain, serviceStart } from '@shopstack/kit';
import { Redis } from 'ioredis';
import { createAccessTokenIssuer } from './data/access-tokens.ts';
import { createArgon2Hasher } from './data/argon2-hasher.ts';
import { createLoginThrottle } from './data/login-throttle.ts';
import { createRefreshTokenRepository } from './data/refresh-repo.ts';
import { createSigningKeys } from './data/signing-keys.ts';
import { createUserRepository } from './data/users-repo.ts';
import { ensureAdmin, type IdentityDeps } from './domain/accounts.ts';
import { identityRoutes } from './http/routes.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, async ({ config, logger }) => {
  const pool = createPool(config.DATABASE_URL, logger);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await connectRedis(redis, logger);
  await migrateFrom(pool, join(import.meta.dirname, '../migrations'), logger);
  const keys = createSigningKeys(pool, config.ACCESS_TOKEN_TTL_SECONDS);
  await keys.ensureFresh(config.SIGNING_KEY_MAX_AGE_HOURS);
  const deps: IdentityDeps = {
    users: createUserRepository(pool),
    hasher: createArgon2Hasher(),
    accessTokens: createAccessTokenIssuer(keys, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
    refreshTokens: createRefreshTokenRepository(pool),
    throttle: createLoginThrottle(redis, {
      perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
    }),
    passwordMinLength: config.PASSWORD_MIN_LENGTH,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  };
  if (config.SHOPSTACK_ADMIN_EMAIL && config.SHOPSTACK_ADMIN_PASSWORD) {
    await ensureAdmin(deps, config.SHOPSTACK_ADMIN_EMAIL, config.SHOPSTACK_ADMIN_PASSWORD);
  }
  return {
    readiness: { postgres: () => pool.query('SELECT 1'), redis: () => redis.ping() },
    routes: identityRoutes(deps, keys),
    close: async () => {
      await pool.end();
      redis.disconnect();
    },
  };
});

if (import.meta.main) runMain(manifest.name, start);
