// `npm run images`: the images a cluster runs, built locally. Where Docker Hub answers, the services and
// the operator build on the upstream Node image and Postgres/Redis on upstream Debian; elsewhere on
// shopstack.local/node:24 and shopstack/debian:bookworm, built here from Debian and npm packages.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ServiceName, serviceNames } from '../../services/manifests.ts';
import { versions } from '../runtimes/binaries.ts';
import { type BaseChoice, chooseBase } from './image-base.ts';
import { kubeRouterContext, nodeContext, staticContext } from './image-contexts.ts';
import { dockerBuild, ensureDebianBase, imageExists, imageLabel, imageSize, requireDocker } from './image-docker.ts';
import { buildMissingDaprBinaries, daprBinDir, daprdWrapperHash } from '../runtimes/dapr.ts';
import {
  ensureKedaBinary,
  ensureKubeRouterBinary,
  ensureMetricsServerBinary,
  ensureTraefikBinary,
} from './image-binaries.ts';

export type Progress = (line: string) => void;

export const daprComponents = ['daprd', 'sentry', 'placement', 'scheduler', 'operator', 'injector'] as const;
export type DaprComponent = (typeof daprComponents)[number];

export interface ImageSet {
  /** The shop's version (root package.json), the tag of the service and operator images. */
  readonly version: string;
  readonly services: Readonly<Record<ServiceName, string>>;
  readonly operator: string;
  /** The read-only Dapr view the operator deploys when a ShopStack asks for it (spec.dashboard). */
  readonly dashboard: string;
  /** The web storefront the operator deploys when a ShopStack asks for it (spec.storefront). */
  readonly storefront: string;
  readonly postgres: string;
  readonly redis: string;
  /** Dapr's chart composes `{{global.registry}}/{{name}}:{{global.tag}}`: pass registry and tag. */
  readonly dapr: {
    readonly registry: string;
    readonly tag: string;
    readonly images: Readonly<Record<DaprComponent, string>>;
  };
  readonly traefik: string;
  /** The NetworkPolicy enforcer on kind (scripts/cluster/network-policy.ts). */
  readonly kubeRouter: string;
  /** The resource metrics API the autoscalers read CPU from (scripts/cluster/metrics-server.ts). */
  readonly metricsServer: string;
  /** KEDA's operator and its external metrics API server (scripts/cluster/keda.ts). */
  readonly keda: { readonly operator: string; readonly adapter: string };
}

/** Images built together: `npm run images -- services` builds only the services' images. */
export const imageGroups = ['data', 'services', 'operator', 'dapr', 'traefik', 'network', 'autoscaling'] as const;
export type ImageGroup = (typeof imageGroups)[number];

export interface BuildImagesOptions {
  readonly progress: Progress;
  /**
   * Build the images again (shopstack.local/node:24 too), even when their tags exist; the Debian base is
   * kept. Default: false.
   */
  readonly rebuild?: boolean;
  /** Only these groups. Default: all of them. */
  readonly groups?: readonly ImageGroup[];
  /** Groups built even when their tag exists: the shop's own code, where Docker's layer cache makes an unchanged build cheap. */
  readonly refresh?: readonly ImageGroup[];
  /**
   * The tag of the service, operator and Dapr-view images (default: the root package.json's version). A
   * second tag of the same sources costs seconds (every layer is cached); its images differ by their
   * `io.shopstack.version` label, so an upgrade test rolls between two real images.
   */
  readonly version?: string;
}

/** The label that carries the version an image of the shop's own code was built as. */
export const versionLabel = 'io.shopstack.version';

const root = resolve(import.meta.dirname, '../..');
const registry = 'shopstack.local';

/** A version pinned in scripts/runtimes/versions.env. */
function pinned(key: string): string {
  const value = versions[key];
  if (!value) throw new Error(`${key} is not pinned in scripts/runtimes/versions.env`);
  return value;
}

/** The shop's version: the root package.json's `version`. */
export function shopVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Every image reference, by what it is; `version` tags the service and operator images. */
export function imageNames(version: string = shopVersion()): ImageSet {
  const daprTag = pinned('DAPR_VERSION').replace(/^v/, '');
  const daprRegistry = `${registry}/dapr`;
  return {
    version,
    services: Object.fromEntries(serviceNames.map((s) => [s, `${registry}/${s}:${version}`])) as Record<
      ServiceName,
      string
    >,
    operator: `${registry}/operator:${version}`,
    dashboard: `${registry}/dashboard:${version}`,
    storefront: `${registry}/storefront:${version}`,
    postgres: `${registry}/postgres:15`,
    redis: `${registry}/redis:7`,
    dapr: {
      registry: daprRegistry,
      tag: daprTag,
      images: Object.fromEntries(daprComponents.map((c) => [c, `${daprRegistry}/${c}:${daprTag}`])) as Record<
        DaprComponent,
        string
      >,
    },
    traefik: `${registry}/traefik:${pinned('TRAEFIK_VERSION')}`,
    kubeRouter: `${registry}/kube-router:${pinned('KUBE_ROUTER_VERSION')}`,
    metricsServer: `${registry}/metrics-server:${pinned('METRICS_SERVER_VERSION')}`,
    keda: {
      operator: `${registry}/keda:${pinned('KEDA_VERSION')}`,
      adapter: `${registry}/keda-adapter:${pinned('KEDA_VERSION')}`,
    },
  };
}

/** Every reference in `set`, in build order: what `kind load docker-image` needs. */
export function allImageRefs(set: ImageSet): string[] {
  return [
    set.postgres,
    set.redis,
    ...Object.values(set.services),
    set.operator,
    set.dashboard,
    set.storefront,
    ...Object.values(set.dapr.images),
    set.traefik,
    set.kubeRouter,
    set.metricsServer,
    set.keda.operator,
    set.keda.adapter,
  ];
}

interface ImageStep {
  readonly group: ImageGroup;
  readonly ref: string;
  /** A label the image carries; an image present with another value is built again. */
  readonly label?: { readonly key: string; readonly value: string };
  /** Prepares what the build needs (base images, binaries, context) and builds `ref`. */
  build(): Promise<void>;
}

function steps(set: ImageSet, base: BaseChoice, progress: Progress): ImageStep[] {
  const dockerfile = (path: string): string => join(root, path);
  // The npm layer the Node images start from, built (from Docker's layer cache when the package.json files
  // and the lockfile are unchanged) before the first of them in this run, so it always matches the tree.
  const npmCacheRef = `${registry}/npm-cache:${set.version}`;
  let npmCache: Promise<void> | undefined;
  const nodeArgs = async (): Promise<Record<string, string>> => {
    npmCache ??= (async () => {
      const began = Date.now();
      await dockerBuild({
        ref: npmCacheRef,
        dockerfile: dockerfile('images/npm-cache/Dockerfile'),
        context: root,
        args: { BASE_IMAGE: base.node },
      });
      progress(`images: ${npmCacheRef} (the npm layer under the Node images) ready in ${seconds(began)}`);
    })();
    await npmCache;
    return { BASE_IMAGE: base.node, NPM_CACHE_IMAGE: npmCacheRef };
  };
  const versioned = { [versionLabel]: set.version };
  const onDebian = (name: 'postgres' | 'redis'): ImageStep => ({
    group: 'data',
    ref: set[name],
    build: () =>
      dockerBuild({
        ref: set[name],
        dockerfile: dockerfile(`images/${name}/Dockerfile`),
        context: join(root, 'images', name),
        args: { DEBIAN_IMAGE: base.debian },
      }),
  });
  return [
    onDebian('postgres'),
    onDebian('redis'),
    ...serviceNames.map((service): ImageStep => ({
      group: 'services',
      ref: set.services[service],
      build: async () =>
        dockerBuild({
          ref: set.services[service],
          dockerfile: dockerfile('services/Dockerfile'),
          context: root,
          args: { ...(await nodeArgs()), SERVICE: service },
          target: 'runtime',
          labels: versioned,
        }),
    })),
    {
      group: 'operator',
      ref: set.operator,
      build: async () =>
        dockerBuild({
          ref: set.operator,
          dockerfile: dockerfile('operator/Dockerfile'),
          context: root,
          args: await nodeArgs(),
          labels: versioned,
        }),
    },
    {
      // the operator deploys it, so it is built with the operator's image
      group: 'operator',
      ref: set.dashboard,
      build: async () =>
        dockerBuild({
          ref: set.dashboard,
          dockerfile: dockerfile('dashboard/Dockerfile'),
          context: root,
          args: await nodeArgs(),
          labels: versioned,
        }),
    },
    {
      // the operator deploys it too
      group: 'operator',
      ref: set.storefront,
      build: async () =>
        dockerBuild({
          ref: set.storefront,
          dockerfile: dockerfile('web/Dockerfile'),
          context: root,
          args: await nodeArgs(),
          target: 'runtime',
          labels: versioned,
        }),
    },
    ...daprComponents.map((component): ImageStep => {
      // daprd is built from our wrapper (scripts/runtimes/daprd): its image follows the wrapper's sources
      const label =
        component === 'daprd' ? { key: 'io.shopstack.daprd-wrapper', value: daprdWrapperHash() } : undefined;
      return {
        group: 'dapr',
        ref: set.dapr.images[component],
        ...(label ? { label } : {}),
        build: async () => {
          await buildMissingDaprBinaries(daprComponents, progress);
          const context = staticContext(`dapr-${component}`, join(daprBinDir, component));
          await dockerBuild({
            ref: set.dapr.images[component],
            dockerfile: dockerfile('images/static/Dockerfile'),
            context,
            args: { BINARY: component },
            ...(label ? { labels: { [label.key]: label.value } } : {}),
          });
        },
      };
    }),
    {
      group: 'traefik',
      ref: set.traefik,
      build: async () => {
        const binary = await ensureTraefikBinary(progress);
        await dockerBuild({
          ref: set.traefik,
          dockerfile: dockerfile('images/traefik/Dockerfile'),
          context: staticContext('traefik', binary),
        });
      },
    },
    {
      group: 'network',
      ref: set.kubeRouter,
      build: async () => {
        const binary = await ensureKubeRouterBinary(progress);
        await dockerBuild({
          ref: set.kubeRouter,
          dockerfile: dockerfile('images/kube-router/Dockerfile'),
          context: kubeRouterContext(binary, join(root, 'images/kube-router/entrypoint.sh')),
          args: { DEBIAN_IMAGE: base.debian },
        });
      },
    },
    {
      group: 'autoscaling',
      ref: set.metricsServer,
      build: async () =>
        dockerBuild({
          ref: set.metricsServer,
          dockerfile: dockerfile('images/static/Dockerfile'),
          context: staticContext('metrics-server', await ensureMetricsServerBinary(progress)),
          args: { BINARY: 'metrics-server' },
        }),
    },
    ...(['keda', 'keda-adapter'] as const).map((binary): ImageStep => ({
      group: 'autoscaling',
      ref: binary === 'keda' ? set.keda.operator : set.keda.adapter,
      build: async () =>
        dockerBuild({
          ref: binary === 'keda' ? set.keda.operator : set.keda.adapter,
          dockerfile: dockerfile('images/static/Dockerfile'),
          context: staticContext(binary, await ensureKedaBinary(binary, progress)),
          args: { BINARY: binary },
        }),
    })),
  ];
}

/** The local bases (Debian, then Node), built when missing; upstream bases are pulled by the builds. */
async function ensureLocalBases(base: BaseChoice, opts: BuildImagesOptions): Promise<void> {
  if (base.kind !== 'local') return;
  await ensureDebianBase(base.debian, opts.progress);
  if (!opts.rebuild && (await imageExists(base.node))) return;
  const began = Date.now();
  opts.progress(`images: building ${base.node} (Node ${pinned('NODE_IMAGE_VERSION')} from npm packages)`);
  const context = await nodeContext(pinned('NODE_IMAGE_VERSION'), pinned('NPM_IMAGE_VERSION'));
  await dockerBuild({
    ref: base.node,
    dockerfile: join(root, 'images/node/Dockerfile'),
    context,
    args: { DEBIAN_IMAGE: base.debian },
  });
  opts.progress(`images: ${base.node} built in ${seconds(began)} (${await imageSize(base.node)})`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)}s`;
}

/** Builds every image of `imageNames()` that is missing (all of them with `rebuild`), one at a time. */
export async function buildImages(opts: BuildImagesOptions): Promise<ImageSet> {
  const { progress } = opts;
  const began = Date.now();
  await requireDocker();
  const base = await chooseBase(progress);
  await ensureLocalBases(base, opts);
  const set = imageNames(opts.version);
  const wanted = steps(set, base, progress).filter((step) => !opts.groups || opts.groups.includes(step.group));
  let built = 0;
  for (const step of wanted) {
    const fresh = opts.rebuild || opts.refresh?.includes(step.group);
    if (!fresh && (await imageExists(step.ref))) {
      if (!step.label || (await imageLabel(step.ref, step.label.key)) === step.label.value) {
        progress(`images: ${step.ref} present`);
        continue;
      }
      progress(`images: ${step.ref} was built from other sources (label ${step.label.key})`);
    }
    const stepBegan = Date.now();
    progress(`images: building ${step.ref}`);
    await step.build();
    built++;
    progress(`images: ${step.ref} built in ${seconds(stepBegan)} (${await imageSize(step.ref)})`);
  }
  progress(`images: ${built} built, ${wanted.length - built} present, in ${seconds(began)}`);
  return set;
}
