export { type AdminAuth, gatewayAuth } from './admin-auth.ts';
export { buildWeb } from './build.ts';
export { webDist } from './paths.ts';
export { LocalSource, type LocalSidecar, type LocalTargets } from './local-source.ts';
export { KubeSource } from './kube-source.ts';
export type { DaprView, DaprViewSource } from './model.ts';
export { startDashboard, type Dashboard, type DashboardOptions } from './server.ts';
