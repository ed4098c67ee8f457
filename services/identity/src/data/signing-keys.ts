import type { Pool } from '@shopstack/kit';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { PoolClient } from 'pg';

export const ALG = 'EdDSA';

export interface SigningKey {
  readonly kid: string;
  readonly key: CryptoKey;
}

export interface SigningKeys {
  /** The key that signs new tokens (re-read every minute so that a rotation by another replica is picked up). */
  active(): Promise<SigningKey>;
  /** Public keys of the active key and of retired keys whose tokens may still be valid. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Makes a new key the signing key; the previous one stays published until its tokens have expired. */
  rotate(): Promise<string>;
  /** Rotates when there is no key yet or the active one is older than `maxAgeHours`. */
  ensureFresh(maxAgeHours: number): Promise<void>;
}

type Queryable = Pick<PoolClient, 'query'>;

const ROTATION_LOCK = 727_101;
const RELOAD_MS = 60_000;

/** Ed25519 signing keys kept in the identity database. */
export function createSigningKeys(pool: Pool, accessTtlSeconds: number): SigningKeys {
  let cached: { key: SigningKey; loadedAt: number } | undefined;

  async function insertKey(client: Queryable): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    await client.query('UPDATE signing_keys SET retired_at = clock_timestamp() WHERE retired_at IS NULL');
    await client.query('INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [
      kid,
      ALG,
      await exportJWK(privateKey),
      { ...publicJwk, kid, alg: ALG, use: 'sig' },
    ]);
    return kid;
  }

  async function underLock<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      const result = await work(client);
      await client.query('COMMIT');
      cached = undefined;
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    async active() {
      if (cached && Date.now() - cached.loadedAt < RELOAD_MS) return cached.key;
      const { rows } = await pool.query<{ kid: string; private_jwk: JWK }>(
        'SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
      );
      const row = rows[0];
      if (!row) throw new Error('no signing key; ensureFresh() runs at start-up');
      const key = { kid: row.kid, key: (await importJWK(row.private_jwk, ALG)) as CryptoKey };
      cached = { key, loadedAt: Date.now() };
      return key;
    },
    async jwks() {
      // a replica may sign with a retired key until its next reload, hence the extra minute
      const { rows } = await pool.query<{ public_jwk: JWK }>(
        `SELECT public_jwk FROM signing_keys
         WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
         ORDER BY created_at DESC`,
        [accessTtlSeconds + RELOAD_MS / 1000 + 60],
      );
      return { keys: rows.map((row) => row.public_jwk) };
    },
    rotate: () => underLock(insertKey),
    async ensureFresh(maxAgeHours) {
      await underLock(async (client) => {
        const { rows } = await client.query<{ fresh: boolean }>(
          `SELECT created_at > now() - make_interval(hours => $1) AS fresh
           FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`,
          [maxAgeHours],
        );
        if (!rows[0]?.fresh) await insertKey(client);
      });
    },
  };
}
