/**
 * `@sluice/runtime`: the worker that runs connectors and tasks, and the herder that manages them.
 *
 * @packageDocumentation
 */

export type { Clock, ClockTimer } from './clock.js'
export { ManualClock, systemClock } from './clock.js'
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
export { compareVersions, isVersionedError, VersionRange } from './herder/plugin-versions.js'
export type { HerderLogger, StandaloneHerderOptions } from './herder/standalone-herder.js'
export { StandaloneHerder } from './herder/standalone-herder.js'
export type { KafkaClientFactory } from './kafka-io/client-types.js'
export type { SinkConsumerHandler, SinkConsumerOptions } from './kafka-io/sink-consumer.js'
export { SinkConsumer } from './kafka-io/sink-consumer.js'
export { SourceProducer } from './kafka-io/source-producer.js'
export { FileOffsetStore } from './offsets/file-offset-store.js'
export { BUILTIN_PLUGIN_MODULES, loadPluginRegistry } from './plugins/registry.js'
export type { RestartDecision, RestartPolicyOptions } from './supervisor/restart-policy.js'
export { defaultRestartPolicy, RestartPolicy } from './supervisor/restart-policy.js'
export type { SourceOffsetStore } from './worker/task-proxy.js'
export { TaskProxy } from './worker/task-proxy.js'
export type { ConnectorOffsetStore, CreateWorkerOptions } from './worker/worker.js'
export { createWorker, Worker } from './worker/worker.js'
export * from './worker/worker-api.js'
