import type { Pool } from '@shopstack/kit';
import type { RefreshTokenRepository, RotateOutcome } from '../domain/session.ts';

interface TokenRow {
  family_id: string;
  user_id: string;
  expired: boolean;
  used_at: Date | null;
  revoked_at: Date | null;
}

export function createRefreshTokenRepository(pool: Pool): RefreshTokenRepository {
  return {
    async create(token) {
      await pool.query(
        'INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)',
        [token.familyId, token.userId, token.tokenHash, token.expiresAt],
      );
    },

    async rotate(tokenHash, next): Promise<RotateOutcome> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // the row lock serialises two concurrent uses of one token: the second sees used_at set
        const { rows } = await client.query<TokenRow>(
          `SELECT family_id, user_id, expires_at <= now() AS expired, used_at, revoked_at
           FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
          [tokenHash],
        );
        const row = rows[0];
        let outcome: RotateOutcome;
        if (!row || row.revoked_at || row.expired) {
          outcome = { kind: 'invalid' };
        } else if (row.used_at) {
          await client.query(
            'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
            [row.family_id],
          );
          outcome = { kind: 'reused' };
        } else {
          await client.query('UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [tokenHash]);
          await client.query(
            'INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)',
            [row.family_id, row.user_id, next.tokenHash, next.expiresAt],
          );
          outcome = { kind: 'rotated', userId: row.user_id };
        }
        await client.query('COMMIT');
        return outcome;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async revokeFamilyOf(tokenHash) {
      await pool.query(
        `UPDATE refresh_tokens SET revoked_at = now()
         WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
        [tokenHash],
      );
    },
  };
}
