import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../domain/password-policy.ts';

const email = z.email().max(254);
const password = z.string().min(1).max(PASSWORD_MAX_LENGTH);

export const registerBody = z.strictObject({ email, password, name: z.string().trim().min(1).max(200) });
export const loginBody = z.strictObject({ email, password });
export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(128) });
