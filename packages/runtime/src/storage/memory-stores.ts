import type { SourceOffset, SourcePartition } from '@sluice/api'
import type { ConnectorTaskId } from '../worker/worker-api.js'
import {
  type ConfigBackingStore,
  canWriteSafely,
  type OffsetBackingStore,
  type StatusBackingStore,
} from './backing-stores.js'
import { type EncodedRecord, parseConfigRecord } from './config-records.js'
import { type ClusterConfigSnapshot, type ConfigChange, ConfigStateBuilder } from './config-state.js'
import { canonicalJson } from './offset-records.js'
import type { StatusValue } from './status-records.js'

/**
 * Kafka's `MemoryConfigBackingStore`: the standalone herder's configs, kept in this process. It folds the
 * same config-topic records as the Kafka store (one `ConfigStateBuilder`), so a connector config, task
 * configs committed together, target states and tombstones mean exactly what they mean in a cluster.
 * Writes apply before their promise resolves and listeners run synchronously.
 */
export class MemoryConfigStore implements ConfigBackingStore {
  readonly #state = new ConfigStateBuilder()
  /** Connector names in the order they were first created (a Java `HashMap`'s order inside a bucket). */
  readonly #names = new Map<string, true>()
  readonly #listeners: Array<(change: ConfigChange, snapshot: ClusterConfigSnapshot) => void> = []
  #offset = 0n
  #snapshot: ClusterConfigSnapshot | undefined

  snapshot(): ClusterConfigSnapshot {
    this.#snapshot ??= this.#state.snapshot()
    return this.#snapshot
  }

  /** Connector names in creation order (re-creating a deleted connector moves it to the end). */
  connectorNames(): string[] {
    return [...this.#names.keys()]
  }

  write(records: readonly EncodedRecord[]): Promise<void> {
    try {
      for (const r of records) this.#apply(r)
    } catch (err) {
      return Promise.reject(err)
    }
    return Promise.resolve()
  }

  #apply(r: EncodedRecord): void {
    // The same decoding as a record read back from the topic: what the memory store accepts, Kafka does.
    const record = parseConfigRecord(r.key, r.value)
    const change = this.#state.apply(record, this.#offset++)
    this.#snapshot = undefined
    if (record?.kind === 'connector') {
      if (record.properties === null) this.#names.delete(record.connector)
      else this.#names.set(record.connector, true)
    }
    if (change.kind === 'none') return
    const snapshot = this.snapshot()
    for (const l of this.#listeners) l(change, snapshot)
  }

  readToEnd(_timeoutMs: number): Promise<void> {
    return Promise.resolve()
  }

  onChange(listener: (change: ConfigChange, snapshot: ClusterConfigSnapshot) => void): void {
    this.#listeners.push(listener)
  }
}

/**
 * Kafka's `MemoryStatusBackingStore`: the last reported state of every connector and task, with the
 * worker that reported it, its generation and the failure trace. Standalone mode keeps it in memory only.
 */
export class MemoryStatusStore implements StatusBackingStore {
  readonly #connectors = new Map<string, StatusValue>()
  readonly #tasks = new Map<string, Map<number, StatusValue>>()

  connector(name: string): StatusValue | undefined {
    return this.#connectors.get(name)
  }

  task(id: ConnectorTaskId): StatusValue | undefined {
    return this.#tasks.get(id.connector)?.get(id.task)
  }

  tasks(connector: string): Array<{ readonly task: number; readonly status: StatusValue }> {
    return [...(this.#tasks.get(connector) ?? new Map<number, StatusValue>())]
      .map(([task, status]) => ({ task, status }))
      .sort((a, b) => a.task - b.task)
  }

  known(): { connectors: string[]; tasks: ConnectorTaskId[] } {
    return {
      connectors: [...this.#connectors.keys()],
      tasks: [...this.#tasks].flatMap(([connector, m]) => [...m.keys()].map((task) => ({ connector, task }))),
    }
  }

  putConnector(name: string, status: StatusValue | null): Promise<void> {
    if (status === null) {
      this.#connectors.delete(name)
      this.#tasks.delete(name)
    } else this.#connectors.set(name, status)
    return Promise.resolve()
  }

  putTask(id: ConnectorTaskId, status: StatusValue | null): Promise<void> {
    let tasks = this.#tasks.get(id.connector)
    if (status === null) {
      tasks?.delete(id.task)
      if (tasks?.size === 0) this.#tasks.delete(id.connector)
      return Promise.resolve()
    }
    if (tasks === undefined) {
      tasks = new Map()
      this.#tasks.set(id.connector, tasks)
    }
    tasks.set(id.task, status)
    return Promise.resolve()
  }

  putConnectorSafe(name: string, status: StatusValue): Promise<void> {
    if (!canWriteSafely(this.#connectors.get(name), status)) return Promise.resolve()
    return this.putConnector(name, status)
  }

  putTaskSafe(id: ConnectorTaskId, status: StatusValue): Promise<void> {
    if (!canWriteSafely(this.task(id), status)) return Promise.resolve()
    return this.putTask(id, status)
  }

  readToEnd(_timeoutMs: number): Promise<void> {
    return Promise.resolve()
  }
}

/** One stored source offset (the key bytes are kept as read, so a file round-trips byte for byte). */
export interface OffsetEntry {
  /** Key bytes: `["<connector>",{partition}]`, the JsonConverter (schemaless) form. */
  readonly key: Buffer
  readonly connector: string
  readonly partition: SourcePartition
  offset: SourceOffset | null
}

const lookupKey = (connector: string, partition: SourcePartition) => canonicalJson([connector, partition])

/**
 * Kafka's `MemoryOffsetBackingStore`: source offsets in memory; `flush` has nothing to make durable.
 * The standalone file store extends it (as Java's `FileOffsetBackingStore` does) and writes the entries
 * out on flush.
 */
export class MemoryOffsetStore implements OffsetBackingStore {
  protected readonly entries = new Map<string, OffsetEntry>()
  /** Whether anything changed since the last flush. */
  protected dirty = false

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.entries.get(lookupKey(connector, partition))?.offset ?? null
  }

  getAll(connector: string): Array<{ partition: SourcePartition; offset: SourceOffset | null }> {
    const out: Array<{ partition: SourcePartition; offset: SourceOffset | null }> = []
    for (const e of this.entries.values())
      if (e.connector === connector) out.push({ partition: e.partition, offset: e.offset })
    return out
  }

  /** Records offsets; a `null` offset removes the partition, as Kafka's memory store does. */
  set(
    connector: string,
    entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): void {
    for (const { partition, offset } of entries) {
      const k = lookupKey(connector, partition)
      const existing = this.entries.get(k)
      if (offset === null) this.entries.delete(k)
      else if (existing !== undefined) existing.offset = offset
      else
        this.entries.set(k, {
          key: Buffer.from(JSON.stringify([connector, partition])),
          connector,
          partition,
          offset,
        })
      this.dirty = true
    }
  }

  /** Adds an entry as read from storage (not dirty). */
  protected restore(entry: OffsetEntry): void {
    this.entries.set(lookupKey(entry.connector, entry.partition), entry)
  }

  flush(): Promise<void> {
    this.dirty = false
    return Promise.resolve()
  }
}
