import type { ConnectorOffsetStore } from '../worker/worker.js'
import type { ConnectorTaskId } from '../worker/worker-api.js'
import type { EncodedRecord } from './config-records.js'
import type { ClusterConfigSnapshot, ConfigChange } from './config-state.js'
import type { StatusValue } from './status-records.js'

/**
 * The herders' backing-store seams (Kafka's `ConfigBackingStore`, `StatusBackingStore` and
 * `OffsetBackingStore`). The standalone herder runs on the memory/file implementations
 * (`memory-stores.ts`, `offsets/file-offset-store.ts`), the distributed herder on the Kafka-topic ones
 * (`kafka-stores.ts`); both speak the same records and status values, so the logic above them
 * (`herder/herder-core.ts`) is written once. See docs/adr/0024-herder-seams.md.
 */

/**
 * Connector and task configs, target states, session keys, restart requests: a log of config-topic
 * records folded into a {@link ClusterConfigSnapshot}. A memory store applies a write before its promise
 * resolves; a Kafka store applies it when the record is read back (call {@link readToEnd}).
 */
export interface ConfigBackingStore {
  /** The current folded state (immutable). */
  snapshot(): ClusterConfigSnapshot
  /** Appends records in order; `EncodedRecord`s come from `config-records.ts` (Java's exact bytes). */
  write(records: readonly EncodedRecord[]): Promise<void>
  /** Resolves once every record written before the call has been applied. */
  readToEnd(timeoutMs: number): Promise<void>
  /** Called for every applied change after the store started (not for the initial read). */
  onChange(listener: (change: ConfigChange, snapshot: ClusterConfigSnapshot) => void): void
}

/**
 * The last reported state of every connector and task. `put*` writes unconditionally (RUNNING, PAUSED,
 * STOPPED, RESTARTING; `null` = DESTROYED); `put*Safe` (UNASSIGNED, FAILED) is skipped when the current
 * entry was written by another worker in a newer generation, as Kafka's `putSafe` — the item has moved
 * there meanwhile and the old owner must not overwrite its report.
 */
export interface StatusBackingStore {
  connector(name: string): StatusValue | undefined
  task(id: ConnectorTaskId): StatusValue | undefined
  /** The task statuses of a connector, ascending by task id. */
  tasks(connector: string): Array<{ readonly task: number; readonly status: StatusValue }>
  /** Every connector and task with a status (for the leader's cleanup of deleted ones). */
  known(): { connectors: string[]; tasks: ConnectorTaskId[] }
  /** A connector's status; `null` (DESTROYED) also forgets its tasks' statuses, as Kafka's `remove`. */
  putConnector(name: string, status: StatusValue | null): Promise<void>
  putTask(id: ConnectorTaskId, status: StatusValue | null): Promise<void>
  putConnectorSafe(name: string, status: StatusValue): Promise<void>
  putTaskSafe(id: ConnectorTaskId, status: StatusValue): Promise<void>
  /** Resolves once the statuses written before the call are in the cache (and on the topic). */
  readToEnd(timeoutMs: number): Promise<void>
}

/** Source offsets by connector and partition; `set` buffers, `flush` makes them durable. */
export type OffsetBackingStore = ConnectorOffsetStore

/**
 * Kafka's `CacheEntry.canWriteSafely`: a conditional status write may replace the entry when nothing is
 * there, this worker wrote it, or it is from the same or an older generation.
 */
export function canWriteSafely(current: StatusValue | undefined, next: StatusValue): boolean {
  return current === undefined || current.workerId === next.workerId || current.generation <= next.generation
}
