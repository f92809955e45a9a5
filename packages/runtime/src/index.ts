/**
 * `@sluice/runtime`: the worker that runs connectors and tasks, and the herder that manages them.
 *
 * @packageDocumentation
 */
export * from './worker/worker-api.js'
export { createWorker, Worker } from './worker/worker.js'
export type { ConnectorOffsetStore, CreateWorkerOptions } from './worker/worker.js'
export type { SourceOffsetStore } from './worker/task-proxy.js'
export { TaskProxy } from './worker/task-proxy.js'
export type { KafkaClientFactory } from './kafka-io/client-types.js'
export { loadPluginRegistry, BUILTIN_PLUGIN_MODULES } from './plugins/registry.js'
export { ManualClock, systemClock } from './clock.js'
export type { Clock, ClockTimer } from './clock.js'
export { RestartPolicy, defaultRestartPolicy } from './supervisor/restart-policy.js'
export type { RestartDecision, RestartPolicyOptions } from './supervisor/restart-policy.js'
