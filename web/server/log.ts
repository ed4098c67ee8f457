/** JSON lines on stdout, one object per event, like the services' logs; never given tokens or cookies. */
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void>;

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const at =
    (l: Level) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (order[l] < order[level]) return;
      write(`${JSON.stringify({ level: l, time: new Date().toISOString(), service: 'storefront', msg, ...fields })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
