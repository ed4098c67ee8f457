import { join, resolve } from 'node:path';

/** Where `npm run build -w @shopstack/dashboard` puts the page; the server reads it from here. */
export const webDist: string = join(resolve(import.meta.dirname, '..'), 'dist', 'web');
