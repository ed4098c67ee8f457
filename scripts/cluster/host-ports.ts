import { createServer } from 'node:net';
import { exec } from './exec.ts';

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    // EACCES (a port below 1024 without root) says nothing about the port: Docker binds it, not us
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function containerPublishing(port: number): Promise<string | undefined> {
  const names = await exec('docker', ['ps', '--filter', `publish=${port}`, '--format', '{{.Names}}']);
  return names.stdout.trim() ? `the container ${names.stdout.trim().split('\n').join(', ')}` : undefined;
}

/** Who listens on `port`: a container publishing it, else `ss -ltnp` (Linux) or `lsof` (macOS), else undefined. */
async function holderOf(port: number): Promise<string | undefined> {
  const container = await containerPublishing(port);
  if (container) return container;
  const ss = await exec('ss', ['-Hltnp', `sport = :${port}`]);
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout);
  if (users) return `${users[1]} (pid ${users[2]})`;
  const lsof = await exec('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fcp']);
  const pid = /^p(\d+)/m.exec(lsof.stdout)?.[1];
  const name = /^c(.+)$/m.exec(lsof.stdout)?.[1];
  return pid ? `${name ?? 'a process'} (pid ${pid})` : undefined;
}

/** Throws, naming the port and its holder when known, if any of `ports` is taken on `host`. */
export async function assertPortsFree(host: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (await isFree(host, port)) continue;
    const holder = await holderOf(port);
    throw new Error(
      `port ${port} on ${host} is already in use${holder ? ` by ${holder}` : ''}; the kind cluster maps it to its ` +
        'ingress (kind-config.yaml extraPortMappings): stop it, or change hostPort there',
    );
  }
}
