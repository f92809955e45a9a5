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
// Distributed mode (Kafka's DistributedHerder, Connect group protocol, internal-topic stores).
export * from './distributed/assignor.js'
export * from './distributed/connect-protocol.js'
export * from './distributed/distributed-config.js'
export type { DistributedHerderLogger, DistributedHerderOptions } from './distributed/distributed-herder.js'
export { DistributedHerder } from './distributed/distributed-herder.js'
export * from './distributed/request-signature.js'
export * from './distributed/request-target.js'
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
export { toLibrdkafkaConfig } from './kafka-io/client-config.js'
export type { KafkaClientFactory } from './kafka-io/client-types.js'
export type { SinkConsumerHandler, SinkConsumerOptions } from './kafka-io/sink-consumer.js'
export { SinkConsumer } from './kafka-io/sink-consumer.js'
export { SourceProducer } from './kafka-io/source-producer.js'
export { LOGGERS, Logger, type LogLevel, type LogSink, setLogLevel, setLogSink } from './log.js'
export { FileOffsetStore } from './offsets/file-offset-store.js'
export { BUILTIN_PLUGIN_MODULES, loadPluginRegistry } from './plugins/registry.js'
export * from './storage/config-records.js'
export * from './storage/config-state.js'
export { KafkaConfigStore, KafkaOffsetStore, KafkaStatusStore } from './storage/kafka-stores.js'
export { javaPartitionForKey, murmur2 } from './storage/murmur2.js'
export * from './storage/offset-records.js'
export * from './storage/status-records.js'
export type { RestartDecision, RestartPolicyOptions } from './supervisor/restart-policy.js'
export { defaultRestartPolicy, RestartPolicy } from './supervisor/restart-policy.js'
export { classifyFailure, type FailureClass, TaskSupervisor } from './supervisor/task-supervisor.js'
export {
  ExactlyOnceSourceTaskOwner,
  type ExactlyOnceTaskOptions,
  type TransactionBoundary,
} from './worker/exactly-once-source-task-owner.js'
export { SinkOffsetLedger } from './worker/sink-offset-ledger.js'
export { SinkTaskOwner } from './worker/sink-task-owner.js'
export { SourceTaskOwner } from './worker/source-task-owner.js'
export type { ActorLauncher, SourceOffsetStore, TaskOwnerDeps } from './worker/task-owner.js'
export type { ConnectorOffsetStore, CreateWorkerOptions, TaskProxy } from './worker/worker.js'
export { createWorker, Worker } from './worker/worker.js'
export * from './worker/worker-api.js'
