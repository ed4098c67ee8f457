import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { type Proc, startProc, waitFor } from '../common/proc.ts';
import { findBinary, pathDirs } from '../runtimes/binaries.ts';

export interface RedisServer {
  readonly port: number;
  readonly proc: Proc;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.write('PING\r\n');
  });
}

/** Starts redis-server on loopback with its append-only file in `dir`. */
export async function startRedis(opts: {
  dir: string;
  port: number;
  logFile: string;
  persist?: boolean;
}): Promise<RedisServer> {
  const bin = findBinary('redis-server', [...pathDirs(), '/usr/bin', '/usr/sbin']);
  if (!bin) throw new Error('redis-server not found: apt-get install redis-server');
  mkdirSync(opts.dir, { recursive: true });
  const proc = startProc({
    name: 'redis',
    command: bin,
    args: [
      '--port',
      String(opts.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      opts.dir,
      '--save',
      '',
      '--appendonly',
      opts.persist ? 'yes' : 'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
    ],
    logFile: opts.logFile,
  });
  await waitFor('redis to answer PING', async () => ((await ping(opts.port)) ? true : undefined), {
    proc,
    timeoutMs: 15_000,
  });
  return { port: opts.port, proc, stop: () => proc.stop() };
}
