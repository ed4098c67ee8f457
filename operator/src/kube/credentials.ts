import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { parse } from 'yaml';

/** Where the API server is and how to authenticate to it. */
export interface Credentials {
  readonly server: string;
  readonly dispatcher: Dispatcher;
  /** Headers for one request (a bearer token is re-read, so rotated tokens are picked up). */
  headers(): Promise<Record<string, string>>;
}

interface NamedEntry<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: NamedEntry<Record<string, string | boolean>>[];
  users?: NamedEntry<Record<string, unknown>>[];
  contexts?: NamedEntry<{ cluster: string; user: string; namespace?: string }>[];
}

const inClusterDir = '/var/run/secrets/kubernetes.io/serviceaccount';

function fileOrData(base: string, file: unknown, data: unknown): Buffer | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  if (typeof file === 'string') return readFileSync(isAbsolute(file) ? file : resolve(base, file));
  return undefined;
}

function tokenHeaders(token: string | undefined, tokenFile: string | undefined): () => Promise<Record<string, string>> {
  let cached: { value: string; at: number } | undefined;
  return async () => {
    let value = token;
    if (!value && tokenFile) {
      // kubelet rotates projected tokens in place; re-read at most once a minute
      if (!cached || Date.now() - cached.at > 60_000)
        cached = { value: readFileSync(tokenFile, 'utf8').trim(), at: Date.now() };
      value = cached.value;
    }
    const headers: Record<string, string> = {};
    if (value) headers.authorization = `Bearer ${value}`;
    return headers;
  };
}

function inCluster(): Credentials | undefined {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    dispatcher: new Agent({ connect: { ca: readFileSync(join(inClusterDir, 'ca.crt')) } }),
    headers: tokenHeaders(undefined, join(inClusterDir, 'token')),
  };
}

/** The kubeconfig's user needs a plugin (exec, auth-provider) that only @kubernetes/client-node implements. */
export class NeedsClientNode extends Error {}

function fromKubeconfig(path: string): Credentials {
  const config = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
  const base = dirname(path);
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${path}: current-context ${contextName ?? '(unset)'} not found`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${path}: cluster ${context.cluster} has no server`);
  if (user.exec || user['auth-provider'] || user.username) throw new NeedsClientNode();
  const connect = {
    ca: fileOrData(base, cluster['certificate-authority'], cluster['certificate-authority-data']),
    cert: fileOrData(base, user['client-certificate'], user['client-certificate-data']),
    key: fileOrData(base, user['client-key'], user['client-key-data']),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    ...(typeof cluster['tls-server-name'] === 'string' && { servername: cluster['tls-server-name'] }),
  };
  return {
    server: String(cluster.server).replace(/\/$/, ''),
    dispatcher: new Agent({ connect }),
    headers: withImpersonation(
      tokenHeaders(user.token as string | undefined, user.tokenFile as string | undefined),
      user.as as string | undefined,
    ),
  };
}

function withImpersonation(
  headers: () => Promise<Record<string, string>>,
  as: string | undefined,
): () => Promise<Record<string, string>> {
  return as ? async () => ({ ...(await headers()), 'impersonate-user': as }) : headers;
}

/**
 * Credentials the way kubectl finds them: $KUBECONFIG (first file), ~/.kube/config, then in-cluster.
 * Handles certificates and tokens itself, which keeps the operator small; a kubeconfig that needs a
 * plugin throws NeedsClientNode and is handed to @kubernetes/client-node instead.
 */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const paths = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const candidates = paths.length > 0 ? paths : [join(homedir(), '.kube', 'config')];
  for (const path of candidates) {
    try {
      return fromKubeconfig(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || paths.length > 0) throw err;
    }
  }
  const cluster = inCluster();
  if (!cluster) throw new Error('no kubeconfig ($KUBECONFIG, ~/.kube/config) and not running in a cluster');
  return cluster;
}
