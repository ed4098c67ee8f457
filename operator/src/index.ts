export { configSchema, loadConfig, type OperatorConfig } from './config.ts';
export { shopStackCrd } from './crd/crd.ts';
export { installCrd } from './crd/install.ts';
export { type Operator, startOperator } from './operator.ts';
