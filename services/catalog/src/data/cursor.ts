import { AppError } from '@shopstack/kit';
import { z } from 'zod';

const cursorSchema = z.union([
  z.object({ t: z.iso.datetime({ offset: true }), id: z.uuid() }),
  z.object({ r: z.number(), id: z.uuid() }),
]);

export type Cursor = z.output<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** An opaque cursor from a previous page; anything else is a 400 naming `cursor`. */
export function decodeCursor(raw: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw AppError.badRequest('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
}
