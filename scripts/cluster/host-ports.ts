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

/** Who listens on `port`, from `ss -ltnp` (Linux) or `lsof` (macOS), or undefined when neither says. */
async function holderOf(port: number): Promise<string | undefined> {
  const ss = await exec('ss', ['-Hltnp', `sport = :${port}`]);
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout);
  if (users) return `${users[1]} (pid ${users[2]})`;
  const lsof = await exec('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fcp']);
  const pid = /^p(\d+)/m.exec(lsof.stdout)?.[1];
  const name = /^c(.+)$/m.exec(lsof.stdout)?.[1];
  if (pid) return `${name ?? 'a process'} (pid ${pid})`;
  const container = await exec('docker', ['ps', '--filter', `publish=${port}`, '--format', '{{.Names}}']);
  return container.stdout.trim() ? `the container ${container.stdout.trim().split('\n').join(', ')}` : undefined;
}

/** Throws, naming the port and its holder when known, if any of `ports` is taken on `host`. */
export async function assertPortsFree(host: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (await isFree(host, port)) continue;
    const holder = await holderOf(port);
    throw new Error(
      `port ${port} on ${host} is already in use${holder ? ` by ${holder}` : ''}; the kind cluster maps it to its ` +
        'ingress (kind-config.yaml extraPortMappings): stop that process, or change hostPort there',
    );
  }
}
