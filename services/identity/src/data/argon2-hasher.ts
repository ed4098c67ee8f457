import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/user.ts';

// argon2id (the library's default algorithm) with OWASP's baseline cost: 19 MiB, 2 passes, 1 lane
const cost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function createArgon2Hasher(): PasswordHasher {
  return {
    hash: (password) => hash(password, cost),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
  };
}
