export { type Caller, callerFrom, callerHeaders, requireRole } from './caller.ts';
export { ConfigError, loadConfig } from './config.ts';
export * from './dapr.ts';
export {
  type DaprStateItem,
  type DaprStateTransaction,
  SidecarClient,
  type SidecarMetadata,
  type SidecarTimeouts,
  type StateQuery,
  sidecarOf,
} from './sidecar-client.ts';
export { type AnswerHeaders, type SidecarAnswer, SidecarError, type SidecarStream } from './sidecar-http.ts';
export {
  connectRedis,
  createPool,
  isPostgresUnavailable,
  type Migration,
  migrate,
  migrateFrom,
  type Pool,
  pgErrorFields,
  readMigrations,
  waitForPostgres,
} from './db.ts';
export { contractProblems } from './expand-contract.ts';
export {
  type EventBatchRouteOptions,
  type EventOutcome,
  type EventRouteOptions,
  eventBatchRoute,
  eventRoute,
} from './events.ts';
export { AppError, asAppError, type FieldError, type Problem, toProblem } from './errors.ts';
export { type AppOptions, createApp, requireToken } from './http.ts';
export { type Listening, listen, type Running, runMain } from './lifecycle.ts';
export { createLogger, type Logger } from './logger.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export {
  createStateStore,
  outboxOperations,
  type StateEntry,
  type StateOperation,
  type StateQueryResult,
  type StateStore,
} from './state.ts';
export { type Service, type ServeOptions, serve } from './service.ts';
export { type ServiceParts, type StartContext, serviceStart } from './start.ts';
export { shutdownTelemetry } from './telemetry.ts';
export { validate } from './validate.ts';
