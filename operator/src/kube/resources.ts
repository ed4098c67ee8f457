export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * Where the API serves one kind, and what the operator does with it in a cluster. The chart's RBAC grants
 * exactly these verbs (operator/src/kube/rbac.test.ts checks it): add a kind here, and its rule there.
 */
export interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** A ShopStack owns objects of this kind: the operator applies them, watches them by its label, prunes them. */
  readonly owned?: boolean;
  /** The requests the operator makes on it; none for kinds only tests or `--install-crds` (outside Helm) touch. */
  readonly verbs?: readonly Verb[];
  /** Verbs on its subresources, by subresource. */
  readonly subresources?: Readonly<Record<string, readonly Verb[]>>;
  /** Only in the operator's own namespace (the chart's namespaced Role), not in every shop's. */
  readonly ownNamespace?: boolean;
}

// the informers list and watch by label; sync applies (a PATCH, which needs create when the object is
// absent) and prunes what is no longer desired
const ownedVerbs: readonly Verb[] = ['list', 'watch', 'create', 'patch', 'delete'];

/** A namespaced kind a ShopStack owns, handled with the usual verbs. */
const owned = (apiVersion: string, kind: string, plural: string): ResourceType => ({
  apiVersion,
  kind,
  plural,
  namespaced: true,
  owned: true,
  verbs: ownedVerbs,
});

const types: readonly ResourceType[] = [
  owned('apps/v1', 'Deployment', 'deployments'),
  owned('apps/v1', 'StatefulSet', 'statefulsets'),
  owned('v1', 'Service', 'services'),
  owned('v1', 'ConfigMap', 'configmaps'),
  {
    apiVersion: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    owned: true,
    // get: the external database's Secret (reconcile/checks.ts); create: generated credentials, which are
    // create-only, so never pruned; patch: adopting and releasing them (volumeRetention). Never deleted:
    // garbage collection does that
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  owned('v1', 'ServiceAccount', 'serviceaccounts'),
  owned('rbac.authorization.k8s.io/v1', 'Role', 'roles'),
  owned('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings'),
  owned('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  owned('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  owned('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies'),
  owned('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  owned('dapr.io/v1alpha1', 'Component', 'components'),
  owned('dapr.io/v1alpha1', 'Configuration', 'configurations'),
  owned('dapr.io/v1alpha1', 'Resiliency', 'resiliencies'),
  owned('dapr.io/v2alpha1', 'Subscription', 'subscriptions'),
  // the backup Jobs (owned by their ShopStackBackup) and the restore Job (owned by its ShopStack)
  owned('batch/v1', 'Job', 'jobs'),
  // where KEDA is installed: the event consumers' scalers (cdk8s/src/keda.ts)
  owned('keda.sh/v1alpha1', 'ScaledObject', 'scaledobjects'),
  owned('keda.sh/v1alpha1', 'TriggerAuthentication', 'triggerauthentications'),
  {
    apiVersion: 'shopstack.io/v1alpha1',
    kind: 'ShopStack',
    plural: 'shopstacks',
    namespaced: true,
    // patch: the finalizer (server-side apply); update on finalizers: owner references with
    // blockOwnerDeletion need it where OwnerReferencesPermissionEnforcement is on (no request of ours)
    verbs: ['list', 'watch', 'patch'],
    subresources: { status: ['patch'], finalizers: ['update'] },
  },
  {
    apiVersion: 'shopstack.io/v1alpha1',
    kind: 'ShopStackBackup',
    plural: 'shopstackbackups',
    namespaced: true,
    // create: the schedule's backups; delete: retention; finalizers: the backup owns its volume and Job
    verbs: ['list', 'watch', 'create', 'delete'],
    subresources: { status: ['patch'], finalizers: ['update'] },
  },
  // the finalizer deletes the data volumes when volumeRetention is Delete; each backup gets its own
  // volume (created once, deleted with its ShopStackBackup by garbage collection)
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    verbs: ['list', 'create', 'delete'],
  },
  // a finished backup or restore Job's pod: its termination message holds the size or the error
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ['list'] },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true, verbs: ['create'] },
  // insights: the shop's pods, watched by the managed-by label, show its symptoms (operator/src/insights)
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ['list', 'watch'] },
  // list: only so that it may grant it to the Dapr view's Role (RBAC escalation rules); it never lists them
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true, verbs: ['create', 'list'] },
  // leader election: its own Lease, read, created once and renewed (replaced)
  {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    verbs: ['get', 'create', 'update'],
    ownNamespace: true,
  },
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
];

/** Every kind the operator knows, with what it does with each. */
export const resourceTypes: readonly ResourceType[] = types;

/** The kinds a ShopStack owns; the operator watches each (by its managed-by label) to notice drift. */
export const ownedKinds: readonly string[] = types.filter((type) => type.owned).map((type) => type.kind);

const byKind = new Map(types.map((type) => [type.kind, type]));

export function resourceType(kind: string): ResourceType {
  const type = byKind.get(kind);
  if (!type) throw new Error(`the operator does not know the kind ${kind}`);
  return type;
}

/** The REST path of a collection (no name) or of one object, optionally a subresource of it. */
export function resourcePath(
  type: ResourceType,
  where: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const base = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  const ns = type.namespaced && where.namespace ? `/namespaces/${encodeURIComponent(where.namespace)}` : '';
  const name = where.name ? `/${encodeURIComponent(where.name)}` : '';
  const sub = where.name && where.subresource ? `/${where.subresource}` : '';
  return `${base}${ns}/${type.plural}${name}${sub}`;
}
