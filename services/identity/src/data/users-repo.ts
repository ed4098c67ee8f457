import type { Pool } from '@shopstack/kit';
import type { User, UserRepository } from '../domain/user.ts';

interface UserRow {
  id: string;
  email: string;
  name: string;
  roles: string[];
  password_hash: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, name: row.name, roles: row.roles });
const UNIQUE_VIOLATION = '23505';

export function createUserRepository(pool: Pool): UserRepository {
  return {
    async create(user) {
      try {
        const { rows } = await pool.query<UserRow>(
          'INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, $3, $4) RETURNING id, email, name, roles',
          [user.email, user.name, user.passwordHash, user.roles],
        );
        return rows[0] && toUser(rows[0]);
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
        throw err;
      }
    },
    async findById(id) {
      const { rows } = await pool.query<UserRow>('SELECT id, email, name, roles FROM users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },
    async findCredentials(email) {
      const { rows } = await pool.query<UserRow>(
        'SELECT id, email, name, roles, password_hash FROM users WHERE email = $1',
        [email],
      );
      const row = rows[0];
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    async grantRole(email, role) {
      await pool.query(
        'UPDATE users SET roles = array_append(roles, $2), updated_at = now() WHERE email = $1 AND NOT ($2 = ANY (roles))',
        [email, role],
      );
    },
  };
}
