/**
 * `@sluice/runtime`: the worker that runs connectors and tasks, and the herder that manages them.
 *
 * @packageDocumentation
 */

export type { Clock, ClockTimer } from './clock.js'
export { ManualClock, systemClock } from './clock.js'
export type { ProviderLog } from './config/builtin-providers.js'
export {
  DIRECTORY_CONFIG_PROVIDER,
  DirectoryConfigProvider,
  ENV_VAR_CONFIG_PROVIDER,
  EnvVarConfigProvider,
  FILE_CONFIG_PROVIDER,
  FileConfigProvider,
} from './config/builtin-providers.js'
export type {
  ConfigVariable,
  TransformResult,
} from './config/config-transformer.js'
export {
  configVariables,
  hasConfigVariables,
  reverseTransform,
  transformConfig,
} from './config/config-transformer.js'
export type {
  TransformerLogger,
  WorkerConfigTransformerOptions,
} from './config/worker-config-transformer.js'
export {
  CONFIG_PROVIDERS_CONFIG,
  configProviderNames,
  createConfigProviders,
  isUsedConfigProviderKey,
  WorkerConfigTransformer,
} from './config/worker-config-transformer.js'
// Standalone herder and connector config validation (Kafka's StandaloneHerder, ConnectorConfig).
export * from './herder/connector-config.js'
export type { RawConnectorProps, ValidationContext } from './herder/connector-validation.js'
export {
  connectorTypeOf,
  invalidConnectorConfigError,
  overridePolicy,
  prefixedConfigInfos,
  validateConnectorConfig,
} from './herder/connector-validation.js'
export * from './herder/herder-api.js'
export {
  compareJavaStrings,
  javaHashMapToString,
  javaHashOrder,
  javaStringHash,
} from './herder/java-format.js'
export { PLUGIN_KIND_ORDER } from './herder/plugin-lookup.js'
export { compareVersions, isVersionedError, VersionRange } from './herder/plugin-versions.js'
export type { HerderLogger, StandaloneHerderOptions } from './herder/standalone-herder.js'
export { StandaloneHerder } from './herder/standalone-herder.js'
export type { KafkaClientFactory } from './kafka-io/client-types.js'
export { FileOffsetStore } from './offsets/file-offset-store.js'
export { BUILTIN_PLUGIN_MODULES, loadPluginRegistry } from './plugins/registry.js'
export type { RestartDecision, RestartPolicyOptions } from './supervisor/restart-policy.js'
export { defaultRestartPolicy, RestartPolicy } from './supervisor/restart-policy.js'
export type { SourceOffsetStore } from './worker/task-proxy.js'
export { TaskProxy } from './worker/task-proxy.js'
export type { ConnectorOffsetStore, CreateWorkerOptions } from './worker/worker.js'
export { createWorker, Worker } from './worker/worker.js'
export * from './worker/worker-api.js'
