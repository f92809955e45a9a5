/**
 * `@sluice/runtime`: the worker that runs connectors and tasks, and the herder that manages them.
 *
 * @packageDocumentation
 */

export type { Clock, ClockTimer } from './clock.js'
export { ManualClock, systemClock } from './clock.js'
export * from './herder/herder-api.js'
export type { KafkaClientFactory } from './kafka-io/client-types.js'
export { BUILTIN_PLUGIN_MODULES, loadPluginRegistry } from './plugins/registry.js'
export type { RestartDecision, RestartPolicyOptions } from './supervisor/restart-policy.js'
export { defaultRestartPolicy, RestartPolicy } from './supervisor/restart-policy.js'
export type { SourceOffsetStore } from './worker/task-proxy.js'
export { TaskProxy } from './worker/task-proxy.js'
export type { ConnectorOffsetStore, CreateWorkerOptions } from './worker/worker.js'
export { createWorker, Worker } from './worker/worker.js'
export * from './worker/worker-api.js'
export { FileOffsetStore } from './offsets/file-offset-store.js'
