import { call, sessionEnded } from './api.ts';
import { createStore } from './store.ts';
import type { User } from './types.ts';

/** The signed-in user, or null; undefined until the web server has been asked. */
export const user = createStore<User | null | undefined>(undefined);

export const isAdmin = (u: User | null | undefined): boolean => Boolean(u?.roles.includes('admin'));

/** Asks the web server who the session cookie belongs to (it refreshes an expired access token). */
export async function loadSession(): Promise<void> {
  try {
    user.set((await call<{ user: User | null }>('GET', '/session')).body.user);
  } catch {
    user.set(null);
  }
}

// a 401 from the API: ask the web server again who is signed in (it may have renewed or ended the session)
sessionEnded.addEventListener('ended', () => void loadSession());

export async function signIn(email: string, password: string): Promise<User> {
  const signed = (await call<{ user: User }>('POST', '/session/login', { body: { email, password } })).body.user;
  user.set(signed);
  return signed;
}

export async function register(email: string, password: string, name: string): Promise<User> {
  const created = (await call<{ user: User }>('POST', '/session/register', { body: { email, password, name } })).body
    .user;
  user.set(created);
  return created;
}

export async function signOut(): Promise<void> {
  await call('POST', '/session/logout');
  user.set(null);
}
