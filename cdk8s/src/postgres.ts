import type { V1ConfigMap, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { dataStorePodLabels, meta, objectLabels, objectName, type ShopContext, selectorLabels } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { databaseServices } from './profiles.ts';
import { containerResources } from './resources.ts';
import { GeneratedSecret, type RandomSource, secretNames } from './secrets.ts';
import { containerSecurity, podSecurity, scratch } from './security.ts';

export const postgresPort = 5432;
/** The postgres user of the official Alpine image. */
const postgresUid = 70;
const secretsDir = '/run/secrets/shopstack';

// Runs once, on an empty data directory (docker-entrypoint-initdb.d). Passwords come from the mounted
// Secret and reach SQL through psql variables, so nothing is interpolated into the statement text.
const initScript = `#!/bin/sh
set -eu
for db in ${databaseServices().join(' ')}; do
  password=$(cat "${secretsDir}/$db-password")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v db="$db" -v password="$password" <<'SQL'
CREATE ROLE :"db" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"db";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done
`;

export interface ManagedPostgresProps {
  readonly ctx: ShopContext;
  readonly random: RandomSource;
}

/** A single-instance Postgres with one database and role per service, and its generated credentials. */
export class ManagedPostgres extends Construct {
  /** The in-cluster host name of the server. */
  readonly host: string;

  constructor(scope: Construct, id: string, props: ManagedPostgresProps) {
    super(scope, id);
    const { ctx, random } = props;
    const spec = ctx.spec.database.managed;
    const name = objectName(ctx, 'postgres');
    const labels = objectLabels(ctx, 'postgres', 'database');
    const selector = selectorLabels(ctx, 'postgres');
    this.host = name;

    const credentials: Record<string, string> = { 'postgres-password': random.token(24) };
    for (const db of databaseServices()) {
      const password = random.token(24);
      credentials[`${db}-password`] = password;
      credentials[`${db}-url`] = `postgres://${db}:${password}@${name}:${postgresPort}/${db}`;
    }
    new GeneratedSecret(this, 'Credentials', {
      ctx,
      name: secretNames.postgres(ctx),
      component: 'postgres',
      data: credentials,
    });

    kubeObject<V1ConfigMap>(this, 'Init', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, { name: objectName(ctx, 'postgres-init'), labels }),
      data: { '10-databases.sh': initScript },
    });

    kubeObject<V1Service>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ctx, { name, labels }),
      spec: {
        clusterIP: 'None',
        selector,
        ports: [{ name: 'postgres', port: postgresPort, targetPort: 'postgres', protocol: 'TCP' }],
      },
    });

    // the socket and lock files; Postgres's own temporary files live in its data volume
    const run = scratch('run', '/var/run/postgresql', 16);
    const tmp = scratch('tmp', '/tmp', 64);
    const ready = { exec: { command: ['pg_isready', '--username', 'postgres', '--host', '127.0.0.1'] } };
    kubeObject<V1StatefulSet>(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(ctx, { name, labels }),
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        // the operator's finalizer applies spec.database.managed.volumeRetention itself
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: dataStorePodLabels(labels) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurity(postgresUid),
            containers: [
              {
                name: 'postgres',
                image: spec.image,
                ports: [{ name: 'postgres', containerPort: postgresPort, protocol: 'TCP' }],
                env: [
                  { name: 'POSTGRES_USER', value: 'postgres' },
                  { name: 'POSTGRES_PASSWORD_FILE', value: `${secretsDir}/postgres-password` },
                ],
                resources: containerResources(spec.resources, [run, tmp]),
                readinessProbe: { ...ready, periodSeconds: 5 },
                // alive while it accepts connections: a long crash recovery answers pg_isready "no" but must not be killed
                livenessProbe: { tcpSocket: { port: 'postgres' }, periodSeconds: 10, failureThreshold: 6 },
                securityContext: containerSecurity,
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql' },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  { name: 'credentials', mountPath: secretsDir, readOnly: true },
                  run.mount,
                  tmp.mount,
                ],
              },
            ],
            volumes: [
              { name: 'init', configMap: { name: objectName(ctx, 'postgres-init') } },
              { name: 'credentials', secret: { secretName: secretNames.postgres(ctx), defaultMode: 0o440 } },
              run.volume,
              tmp.volume,
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: selector },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(spec.storageClassName && { storageClassName: spec.storageClassName }),
              resources: { requests: { storage: spec.storage } },
            },
          },
        ],
      },
    });
  }
}
