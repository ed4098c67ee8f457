/** A user as the API shows it (never with its password hash). */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly roles: readonly string[];
}

export interface UserRepository {
  /** undefined when the e-mail is taken. */
  create(user: NewUser): Promise<User | undefined>;
  findById(id: string): Promise<User | undefined>;
  findCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined>;
  grantRole(email: string, role: string): Promise<void>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
