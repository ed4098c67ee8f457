import { z } from 'zod';

/**
 * The ShopStack spec: one zod schema that is the single source for the CRD's OpenAPI schema
 * (operator/src/crd), the TypeScript types the constructs take, and the operator's runtime check.
 * `.prefault({})` (not `.default({})`) so nested defaults are filled in, as the API server does.
 */

import { type ServiceName, serviceNames } from '../../services/manifests.ts';
import { autoscalingSpec, autoscalingValidations } from './autoscaling.ts';
import { gatewaySpec } from './gateway-limits.ts';

export { type ServiceName, serviceNames };

// Kubernetes' own quantity grammar (k8s.io/apimachinery/pkg/api/resource).
const quantityPattern =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const quantity = z.string().regex(quantityPattern, 'must be a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi');
const dnsName = z
  .string()
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS name')
  .max(253);

const computeResources = z.object({
  cpu: quantity.optional().describe('CPU, e.g. 100m.'),
  memory: quantity.optional().describe('Memory, e.g. 128Mi.'),
});

const resources = (requests: { cpu: string; memory: string }, limits: { memory: string }) =>
  z
    .object({
      requests: computeResources.prefault(requests).describe('Guaranteed resources.'),
      limits: computeResources
        .prefault(limits)
        .describe('Hard caps. No CPU limit by default: throttling hurts latency more than it protects.'),
    })
    .prefault({});

const serviceSpec = z
  .object({
    replicas: z
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe('Pod replicas, 0 to 20; 1 when unset. Leave unset with autoscaling, which sets them.'),
    image: z
      .string()
      .min(1)
      .optional()
      .describe('Full image reference of this service, overriding <image.registry>/<service>:<tag> (Tilt sets it).'),
    writableRootFilesystem: z
      .boolean()
      .default(false)
      .describe(
        'Development only: a writable root filesystem, so that Tilt live_update can replace the sources in the image.',
      ),
    // with its sidecar's 10m (dapr.sidecarResources), a pod asks for 50m: a shop fits on one 2-CPU kind node
    resources: resources({ cpu: '40m', memory: '128Mi' }, { memory: '256Mi' }),
    autoscaling: autoscalingSpec,
  })
  .meta({ 'x-kubernetes-validations': autoscalingValidations })
  .prefault({});

const services = z
  .object(
    Object.fromEntries(serviceNames.map((name) => [name, serviceSpec])) as Record<ServiceName, typeof serviceSpec>,
  )
  .prefault({})
  .describe('Per-service replicas and resources.');

const secretRef = z.object({ name: dnsName.describe('Secret in the ShopStack namespace.') });

const immutableMode = (values: readonly ['managed', 'external'], what: string) =>
  z
    .enum(values)
    .default('managed')
    .meta({
      'x-kubernetes-validations': [
        { rule: 'self == oldSelf', message: `${what}.mode cannot be changed after creation; migrate the data instead` },
      ],
    });

const database = z
  .object({
    mode: immutableMode(['managed', 'external'], 'database').describe(
      'managed: a Postgres StatefulSet with one database per service; external: an existing server.',
    ),
    managed: z
      .object({
        // pinned to a release: a major-only tag changes under a running shop at its next pull
        image: z.string().min(1).default('postgres:18.1-alpine'),
        storage: quantity
          .default('10Gi')
          .describe('Size of the data volume.')
          .meta({
            'x-kubernetes-validations': [
              {
                rule: 'self == oldSelf',
                message: 'database.managed.storage cannot be changed: volume claims are immutable',
              },
            ],
          }),
        storageClassName: z.string().optional().describe('Storage class; the cluster default when unset.'),
        volumeRetention: z
          .enum(['Retain', 'Delete'])
          .default('Retain')
          .describe('What happens to the data volume (and its credentials) when the ShopStack is deleted.'),
        resources: resources({ cpu: '100m', memory: '256Mi' }, { memory: '1Gi' }),
      })
      .prefault({}),
    external: z
      .object({
        secretRef: secretRef.describe(
          'Secret with one key per Postgres-backed service, `<service>-url`, holding a postgres:// URL.',
        ),
      })
      .optional(),
  })
  .prefault({})
  .meta({
    'x-kubernetes-validations': [
      {
        rule: "!has(self.mode) || self.mode != 'external' || has(self.external)",
        message: 'database.external.secretRef is required when database.mode is external',
        fieldPath: '.external',
        reason: 'FieldValueRequired',
      },
    ],
  });

const redis = z
  .object({
    mode: immutableMode(['managed', 'external'], 'redis').describe(
      'managed: a single Redis StatefulSet; external: an existing server.',
    ),
    image: z.string().min(1).default('redis:8.2.2-alpine'),
    storage: quantity
      .default('1Gi')
      .describe("Size of managed Redis's data volume (its append-only file: the pub/sub streams in flight).")
      .meta({
        'x-kubernetes-validations': [
          { rule: 'self == oldSelf', message: 'redis.storage cannot be changed: volume claims are immutable' },
        ],
      }),
    storageClassName: z
      .string()
      .optional()
      .describe("Storage class of managed Redis's volume; the cluster default when unset."),
    resources: resources({ cpu: '50m', memory: '64Mi' }, { memory: '256Mi' }),
    external: z
      .object({
        address: z
          .string()
          .regex(/^[a-zA-Z0-9.-]+:[0-9]{1,5}$/, 'must be host:port')
          .describe('host:port of the Redis server.'),
        passwordSecretRef: secretRef
          .extend({ key: z.string().min(1).default('password') })
          .optional()
          .describe('Secret key holding the Redis password.'),
      })
      .optional(),
  })
  .prefault({})
  .meta({
    'x-kubernetes-validations': [
      {
        rule: "!has(self.mode) || self.mode != 'external' || has(self.external)",
        message: 'redis.external.address is required when redis.mode is external',
        fieldPath: '.external',
        reason: 'FieldValueRequired',
      },
    ],
  });

const ingress = z
  .object({
    enabled: z.boolean().default(true).describe("Expose the gateway's REST API through an Ingress."),
    host: dnsName.optional().describe('Host name; all hosts when unset.'),
    className: z.string().optional().describe('IngressClass; the cluster default when unset.'),
    tlsSecretName: dnsName.optional().describe('TLS certificate Secret for the host.'),
    tls: z
      .object({
        secretName: dnsName.describe('A kubernetes.io/tls Secret of the namespace: the certificate of the host.'),
        hstsMiddleware: z
          .string()
          .default('hsts@file')
          .describe(
            'Traefik middleware (name@provider) setting Strict-Transport-Security; npm run cluster defines it.',
          ),
        redirectMiddleware: z
          .string()
          .default('https-redirect@file')
          .describe(
            'Traefik middleware redirecting HTTP to HTTPS; empty for no redirect (other controllers redirect by themselves).',
          ),
      })
      .optional()
      .describe('HTTPS at the ingress (all hosts when host is unset); HTTP then redirects to HTTPS and HSTS is set.'),
  })
  .prefault({})
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!has(self.tlsSecretName) || has(self.host)',
        message: 'ingress.host is required when ingress.tlsSecretName is set',
        fieldPath: '.tlsSecretName',
      },
    ],
  });

/**
 * GOMAXPROCS of each sidecar, in a cluster unless the spec says otherwise and in the local run. Go runs
 * at least two threads of Go code at once by default, even under a smaller CPU limit; a sidecar serving a
 * saga step needs far less than a core, and with one thread the checkout bench's sidecars spent ~15 %
 * less CPU per order (less scheduler spinning among 17 processes on two cores; docs/checkout.md).
 */
export const defaultSidecarGoMaxProcs = 1;

const dapr = z
  .object({
    mtls: z.boolean().default(true).describe('Mutual TLS between sidecars (Dapr Sentry).'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    sidecarGoMaxProcs: z
      .number()
      .int()
      .min(0)
      .max(256)
      .default(defaultSidecarGoMaxProcs)
      .describe(
        "GOMAXPROCS of every sidecar: how many threads run Go code at once. 0 leaves Go's default (the CPU limit, at least 2); raise it for a sidecar that needs more than a core.",
      ),
    sidecarResources: resources({ cpu: '10m', memory: '64Mi' }, { memory: '512Mi' }).describe(
      "Requests and limits of every daprd sidecar (Dapr's dapr.io/sidecar-* annotations). No CPU limit by default.",
    ),
    controlPlaneNamespace: z
      .string()
      .min(1)
      .default('dapr-system')
      .describe("Namespace of Dapr's control plane (Sentry issues the sidecars' certificates)."),
    tracing: z
      .object({
        samplingRate: z
          .string()
          .regex(/^(0(\.[0-9]+)?|1(\.0+)?)$/, 'must be a number from 0 to 1')
          .default('1')
          .describe('Fraction of requests traced, "0" to "1".'),
        otlpEndpoint: z.string().optional().describe('OTLP collector host:port; tracing export is off when unset.'),
        otlpProtocol: z.enum(['grpc', 'http']).default('grpc'),
        otlpInsecure: z.boolean().default(true).describe('Plain-text OTLP (an in-cluster collector).'),
      })
      .prefault({}),
  })
  .prefault({});

const cidr = z
  .string()
  .regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, 'must be an IPv4 CIDR such as 10.0.0.0/8');

const network = z
  .object({
    apiServer: z
      .object({
        cidrs: z
          .array(cidr)
          .min(1)
          .default(['0.0.0.0/0'])
          .describe(
            "Addresses of the API server's endpoints (`kubectl get endpointslices -n default`); link-local addresses (cloud metadata) are always left out.",
          ),
        port: z
          .int()
          .min(1)
          .max(65535)
          .default(6443)
          .describe("The endpoints' port: 6443 with kubeadm and kind, often 443 on managed clusters."),
      })
      .prefault({})
      .describe('Where the sidecars and the Dapr view may reach the Kubernetes API; nothing else leaves the shop.'),
  })
  .prefault({})
  .describe("Egress the shop's NetworkPolicies allow beyond its own pods, DNS and Dapr's control plane.");

const image = z
  .object({
    registry: z.string().min(1).default('ghcr.io/shopstack').describe('Images are <registry>/<service>:<tag>.'),
    tag: z.string().optional().describe('Image tag; spec.version when unset.'),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
    pullSecrets: z.array(dnsName).optional().describe('Image pull Secrets.'),
  })
  .prefault({});

/** Five cron fields (minute hour day-of-month month day-of-week, UTC) or a macro; the ranges are checked in validate.ts. */
export const cronPattern = /^(@(yearly|annually|monthly|weekly|daily|hourly)|\S+( +\S+){4})$/;
/** A duration in whole minutes, hours or days: 90m, 12h, 7d. */
export const agePattern = /^[1-9][0-9]{0,5}(m|h|d)$/;

const backup = z
  .object({
    schedule: z
      .string()
      .regex(
        cronPattern,
        'must be a cron schedule of five fields (minute hour day month weekday, UTC) or @daily, @hourly…',
      )
      .optional()
      .describe('When to take a backup (cron, UTC), e.g. "0 3 * * *". Without it, backups are on demand only.'),
    suspend: z.boolean().default(false).describe('Pause the schedule; on-demand backups still run.'),
    retention: z
      .object({
        count: z
          .int()
          .min(1)
          .max(1000)
          .default(7)
          .describe('Scheduled backups kept per outcome (succeeded, failed), newest first.'),
        maxAge: z
          .string()
          .regex(agePattern, 'must be a duration such as 90m, 12h or 7d')
          .optional()
          .describe('Scheduled backups older than this are deleted, except the newest that succeeded.'),
      })
      .prefault({}),
    storage: quantity.default('1Gi').describe('Size of each backup volume.'),
    storageClassName: z
      .string()
      .optional()
      .describe('Storage class of the backup volumes; the cluster default when unset.'),
  })
  .optional()
  .describe('Backups of the managed database (ShopStackBackup objects): a schedule, a retention and their volumes.');

const restore = z
  .object({
    from: z.object({
      backup: dnsName.describe('A Succeeded ShopStackBackup in the same namespace.'),
    }),
  })
  .optional()
  .describe(
    'Create the shop from a backup: every database is restored before any service starts. Only read at creation.',
  )
  .meta({
    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'restore cannot be changed after creation' }],
  });

export const shopStackSpecSchema = z
  .object({
    version: z
      .string()
      .regex(/^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/, 'must be a semantic version such as 1.2.3')
      .describe('ShopStack release to run (semantic version).'),
    image,
    services,
    database,
    redis,
    ingress,
    gateway: gatewaySpec,
    dapr,
    backup,
    restore,
    network,
    admin: z
      .object({
        secretRef: secretRef.describe('Secret with keys `email` and `password` of the admin user identity creates.'),
      })
      .optional()
      .describe('The first admin user; without it the shop has no admin until one is granted the role.'),
    demoCatalog: z.boolean().default(false).describe('Fill an empty catalog with demo products.'),
    dashboard: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('A read-only Dapr view (apps, sidecars, components, policies) at /dapr on the ingress host.'),
        image: z
          .string()
          .min(1)
          .optional()
          .describe('Full image reference of the view, overriding <image.registry>/dashboard:<tag>.'),
      })
      .prefault({}),
    storefront: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('The web storefront at / on the ingress host; the gateway then keeps /api and /.well-known.'),
        image: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Full image reference of the storefront, overriding <image.registry>/storefront:<tag> (Tilt sets it).',
          ),
        writableRootFilesystem: z
          .boolean()
          .default(false)
          .describe(
            'Development only: a writable root filesystem, so that Tilt live_update can replace the page sources.',
          ),
      })
      .prefault({}),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!self.ingress.enabled || !has(self.services.gateway.replicas) || self.services.gateway.replicas >= 1',
        message: 'services.gateway.replicas must be at least 1 while ingress is enabled',
        fieldPath: '.services.gateway.replicas',
      },
      {
        // a restore loads the backup over the databases (pg_restore --clean): never into a running shop
        rule: '!has(self.restore) || has(oldSelf.restore)',
        message: 'restore can only be set when the ShopStack is created',
        fieldPath: '.restore',
      },
    ],
  });

/** What a user writes (defaults optional). */
export type ShopStackSpecInput = z.input<typeof shopStackSpecSchema>;
/** The spec with every default filled in. */
export type ShopStackSpec = z.output<typeof shopStackSpecSchema>;
export type ServiceSpec = ShopStackSpec['services'][ServiceName];
export type Resources = ServiceSpec['resources'];
export type BackupPolicy = NonNullable<ShopStackSpec['backup']>;
