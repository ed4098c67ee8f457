export { labelKeys } from './context.ts';
export { InvalidSpecError, parseSpec } from './parse.ts';
export { databaseServices as databaseServiceNames } from './profiles.ts';
export { parseQuantity } from './quantity.ts';
export { type KubeManifest, type OwnerReference, type RenderOptions, renderShopStack } from './render.ts';
export { createOnlyAnnotation, cryptoRandom, type RandomSource } from './secrets.ts';
export { ShopStack, type ShopStackProps } from './shopstack.ts';
export {
  type BackupPolicy,
  type ServiceName,
  type ShopStackSpec,
  type ShopStackSpecInput,
  serviceNames,
  shopStackSpecSchema,
} from './spec.ts';
export { checkSpec, type SpecProblem } from './validate.ts';
export {
  backupClaim,
  backupDatabases,
  backupJob,
  backupLabel,
  backupObjectName,
  restoreJob,
  restoreJobName,
  type BackupTarget,
} from './backup.ts';
export { ageMs, dueRun, nextRun, scheduleProblem } from './schedule.ts';
export { toYaml, toYamlStream, type YamlOptions } from './yaml.ts';
export { type MetricsObserver, observedServices } from './metrics-observer.ts';
export { appPort } from './profiles.ts';
