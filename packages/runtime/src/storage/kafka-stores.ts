import type { SourceOffset, SourcePartition } from '@sluice/api'
import { KafkaLog, KafkaWriteError, type LogRecord } from '@sluice/kafka'
import type { ConnectorOffsetStore } from '../worker/worker.js'
import type { ConnectorTaskId } from '../worker/worker-api.js'
import { type ConfigBackingStore, canWriteSafely, type StatusBackingStore } from './backing-stores.js'
import { ConfigRecordError, type EncodedRecord, parseConfigRecord } from './config-records.js'
import { type ClusterConfigSnapshot, type ConfigChange, ConfigStateBuilder } from './config-state.js'
import {
  canonicalJson,
  encodeOffsetKey,
  encodeOffsetValue,
  parseOffsetKey,
  parseOffsetValue,
} from './offset-records.js'
import {
  connectorStatusKey,
  encodeStatus,
  parseStatusRecord,
  type StatusValue,
  taskStatusKey,
} from './status-records.js'

/**
 * The distributed herder's backing stores on the Connect internal topics (Kafka's
 * `KafkaConfigBackingStore`, `KafkaStatusBackingStore`, `KafkaOffsetBackingStore`), byte-compatible with
 * Java workers sharing the topics. Each reads its topic from the beginning and keeps the folded state in
 * memory; writes go to the topic and take effect when read back, as in Kafka.
 */

type Client = Readonly<Record<string, string | number | boolean>>

export interface StoreLogger {
  warn(message: string): void
}

/**
 * The consumer isolation Java's stores use: read_committed for the config and offsets topics only
 * with `exactly.once.source.support=enabled`, read_uncommitted otherwise (librdkafka's default is
 * read_committed, so it is always set).
 */
function isolation(readCommitted: boolean): Readonly<Record<string, string>> {
  return { 'isolation.level': readCommitted ? 'read_committed' : 'read_uncommitted' }
}

/** Config topic: connector/task configs, target states, session key; listeners see every change. */
export class KafkaConfigStore implements ConfigBackingStore {
  readonly #log: KafkaLog
  readonly #state = new ConfigStateBuilder()
  #listeners: Array<(change: ConfigChange, snapshot: ClusterConfigSnapshot) => void> = []
  #started = false

  constructor(topic: string, client: Client, logger: StoreLogger, readCommitted = false) {
    this.#log = new KafkaLog({
      topic,
      client,
      // Config writes must not be lost or reordered (Java: acks=all, retries, one in flight).
      producer: { acks: 'all', 'enable.idempotence': true, 'max.in.flight': 1 },
      consumer: isolation(readCommitted),
      onRecord: (r) => this.#apply(r, logger),
      onError: (err) => logger.warn(`reading ${topic}: ${err.message}`),
    })
  }

  #apply(r: LogRecord, logger: StoreLogger): void {
    const key = r.key?.toString('utf8') ?? ''
    let change: ConfigChange
    try {
      change = this.#state.apply(parseConfigRecord(key, r.value), r.offset)
    } catch (err) {
      // Java logs and skips a record it cannot convert, without moving the offset.
      if (!(err instanceof ConfigRecordError)) throw err
      logger.warn(`${err.message}; skipped`)
      return
    }
    if (!this.#started || change.kind === 'none') return
    const snapshot = this.#state.snapshot()
    for (const l of this.#listeners) l(change, snapshot)
  }

  onChange(listener: (change: ConfigChange, snapshot: ClusterConfigSnapshot) => void): void {
    this.#listeners.push(listener)
  }

  get partitions(): number {
    return this.#log.partitionCount
  }

  /** Reads the whole topic; listeners (and restart requests) only fire for records after this first read. */
  async start(timeoutMs: number): Promise<void> {
    await this.#log.start()
    await this.#log.readToEnd(timeoutMs)
    this.#started = true
  }

  snapshot(): ClusterConfigSnapshot {
    return this.#state.snapshot()
  }

  readToEnd(timeoutMs: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs)
  }

  /** Writes the records in order (each acknowledged before the next). */
  async write(records: readonly EncodedRecord[]): Promise<void> {
    for (const r of records) await this.#log.send(r.key, r.value, 0)
  }

  stop(): Promise<void> {
    return this.#log.stop()
  }
}

/** What the status store needs of its log (a `KafkaLog`; a fake in unit tests). */
export interface StatusLog {
  start(): Promise<void>
  readToEnd(timeoutMs: number): Promise<void>
  send(key: string, value: Buffer | null): Promise<void>
  stop(): Promise<void>
}

/** One cached status with Kafka's write sequence: a retry is dropped once a newer write was issued. */
interface StatusEntry {
  value: StatusValue | undefined
  sequence: number
  deleted: boolean
}

/** Options of {@link KafkaStatusStore} beyond the topic and client. */
export interface KafkaStatusStoreOptions {
  /** Builds the log (defaults to a `KafkaLog` on the topic); tests pass a fake. */
  readonly createLog?: (onRecord: (r: LogRecord) => void) => StatusLog
  /** Pause before resending a status after a retriable error (Java resends at once; the producer backs off). */
  readonly retryBackoffMs?: number
}

/**
 * Status topic: every worker's reports, cached for `GET /connectors/{c}/status` on any worker (Kafka's
 * `KafkaStatusBackingStore`). Writes are sequence-checked as Java's: a status that failed with a
 * retriable error is resent only while no newer write for the same key was issued, the store's
 * generation is still the one the status carries, and the entry was not deleted — so a stale RUNNING
 * can never land after a newer UNASSIGNED. Conditional (`putSafe`) writes also re-check, before each
 * resend, that no other worker reported from a newer generation meanwhile.
 */
export class KafkaStatusStore implements StatusBackingStore {
  readonly #log: StatusLog
  readonly #logger: StoreLogger
  readonly #connectors = new Map<string, StatusEntry>()
  readonly #tasks = new Map<string, Map<number, StatusEntry>>()
  readonly #retryBackoffMs: number
  /** The generation of the last status this worker wrote (Java's `KafkaStatusBackingStore.generation`). */
  #generation = -1
  #stopped = false

  constructor(topic: string, client: Client, logger: StoreLogger, options: KafkaStatusStoreOptions = {}) {
    this.#logger = logger
    this.#retryBackoffMs = options.retryBackoffMs ?? 100
    const onRecord = (r: LogRecord) => this.#apply(r)
    this.#log =
      options.createLog?.(onRecord) ??
      new KafkaLog({
        topic,
        client,
        // Java's status producer: no retries, no idempotence (a stale status must not overwrite a newer one).
        producer: { acks: 'all', retries: 0, 'enable.idempotence': false },
        consumer: isolation(false),
        onRecord,
        onError: (err) => logger.warn(`reading ${topic}: ${err.message}`),
      })
  }

  #taskEntry(id: ConnectorTaskId, create: boolean): StatusEntry | undefined {
    let tasks = this.#tasks.get(id.connector)
    if (tasks === undefined) {
      if (!create) return undefined
      tasks = new Map()
      this.#tasks.set(id.connector, tasks)
    }
    let e = tasks.get(id.task)
    if (e === undefined && create) {
      e = { value: undefined, sequence: 0, deleted: false }
      tasks.set(id.task, e)
    }
    return e
  }

  #connectorEntry(name: string, create: boolean): StatusEntry | undefined {
    let e = this.#connectors.get(name)
    if (e === undefined && create) {
      e = { value: undefined, sequence: 0, deleted: false }
      this.#connectors.set(name, e)
    }
    return e
  }

  #apply(r: LogRecord): void {
    const rec = parseStatusRecord(r.key?.toString('utf8') ?? '', r.value)
    if (rec === undefined || rec.kind === 'topic') return
    if (rec.kind === 'connector') {
      if (rec.status === null) {
        // Kafka's remove(connector): the connector's and its tasks' entries go, and pending retries stop.
        const e = this.#connectors.get(rec.connector)
        if (e !== undefined) e.deleted = true
        this.#connectors.delete(rec.connector)
        for (const t of this.#tasks.get(rec.connector)?.values() ?? []) t.deleted = true
        this.#tasks.delete(rec.connector)
        return
      }
      const e = this.#connectorEntry(rec.connector, true) as StatusEntry
      e.value = rec.status
      e.deleted = false
      return
    }
    if (rec.status === null) {
      const tasks = this.#tasks.get(rec.id.connector)
      const e = tasks?.get(rec.id.task)
      if (e !== undefined) e.deleted = true
      tasks?.delete(rec.id.task)
      if (tasks?.size === 0) this.#tasks.delete(rec.id.connector)
      return
    }
    const e = this.#taskEntry(rec.id, true) as StatusEntry
    e.value = rec.status
    e.deleted = false
  }

  async start(timeoutMs: number): Promise<void> {
    await this.#log.start()
    await this.#log.readToEnd(timeoutMs)
  }

  connector(name: string): StatusValue | undefined {
    return this.#connectors.get(name)?.value
  }

  task(id: ConnectorTaskId): StatusValue | undefined {
    return this.#tasks.get(id.connector)?.get(id.task)?.value
  }

  tasks(connector: string): Array<{ task: number; status: StatusValue }> {
    const out: Array<{ task: number; status: StatusValue }> = []
    for (const [task, e] of this.#tasks.get(connector) ?? [])
      if (e.value !== undefined) out.push({ task, status: e.value })
    return out.sort((a, b) => a.task - b.task)
  }

  /** Every connector and task with a status (for the leader's cleanup of deleted ones). */
  known(): { connectors: string[]; tasks: ConnectorTaskId[] } {
    return {
      connectors: [...this.#connectors].filter(([, e]) => e.value !== undefined).map(([c]) => c),
      tasks: [...this.#tasks].flatMap(([connector, m]) =>
        [...m].filter(([, e]) => e.value !== undefined).map(([task]) => ({ connector, task })),
      ),
    }
  }

  putConnector(name: string, status: StatusValue | null): Promise<void> {
    return this.#send(
      connectorStatusKey(name),
      status,
      this.#connectorEntry(name, true) as StatusEntry,
      false,
    )
  }

  putTask(id: ConnectorTaskId, status: StatusValue | null): Promise<void> {
    return this.#send(taskStatusKey(id), status, this.#taskEntry(id, true) as StatusEntry, false)
  }

  putConnectorSafe(name: string, status: StatusValue): Promise<void> {
    return this.#send(connectorStatusKey(name), status, this.#connectorEntry(name, true) as StatusEntry, true)
  }

  putTaskSafe(id: ConnectorTaskId, status: StatusValue): Promise<void> {
    return this.#send(taskStatusKey(id), status, this.#taskEntry(id, true) as StatusEntry, true)
  }

  /**
   * Kafka's `KafkaStatusBackingStore.send`: a safe write that another worker's newer report forbids is
   * skipped; otherwise the write takes the entry's next sequence number and is resent after a retriable
   * error only while that sequence (and the generation) is still current.
   */
  async #send(key: string, status: StatusValue | null, entry: StatusEntry, safe: boolean): Promise<void> {
    if (status !== null) {
      if (safe && !canWriteSafely(entry.value, status)) return
      this.#generation = status.generation
      // Read-your-writes: this worker's REST answers see its report before the topic echoes it back.
      entry.value = status
      entry.deleted = false
    }
    const sequence = ++entry.sequence
    const generation = status?.generation
    const value = encodeStatus(status)
    for (;;) {
      try {
        await this.#log.send(key, value)
        return
      } catch (err) {
        if (!(err instanceof KafkaWriteError) || !err.retriable) throw err
        const superseded =
          this.#stopped ||
          entry.deleted ||
          entry.sequence !== sequence ||
          (generation !== undefined && generation !== this.#generation) ||
          (safe && status !== null && !canWriteSafely(entry.value, status))
        if (superseded) return
        this.#logger.warn(`${err.message}; resending ${key}`)
        await new Promise((r) => setTimeout(r, this.#retryBackoffMs))
        // The wait may have let a newer write, a deletion or a stop happen: check again before resending.
        if (this.#stopped || entry.deleted || entry.sequence !== sequence) return
        if (generation !== undefined && generation !== this.#generation) return
      }
    }
  }

  readToEnd(timeoutMs: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs)
  }

  stop(): Promise<void> {
    this.#stopped = true
    return this.#log.stop()
  }
}

/** Offsets topic: source offsets of every connector; writes are buffered by `set` and sent by `flush`. */
export class KafkaOffsetStore implements ConnectorOffsetStore {
  readonly #log: KafkaLog
  readonly #offsets = new Map<
    string,
    Map<string, { partition: SourcePartition; offset: SourceOffset | null }>
  >()
  #pending: Array<{ connector: string; partition: SourcePartition; offset: SourceOffset | null }> = []

  constructor(topic: string, client: Client, logger: StoreLogger, readCommitted = false) {
    this.#log = new KafkaLog({
      topic,
      client,
      producer: { acks: 'all', 'enable.idempotence': true },
      consumer: isolation(readCommitted),
      onRecord: (r) => {
        if (r.key === null) return
        const k = parseOffsetKey(r.key)
        const v = parseOffsetValue(r.value)
        if ('error' in k)
          return logger.warn(`${topic} record ${r.partition}/${r.offset}: ${k.error}; skipped`)
        if (v !== null && 'error' in v)
          return logger.warn(`${topic} record ${r.partition}/${r.offset}: ${String(v.error)}; skipped`)
        this.#put(k.connector, k.partition, v as SourceOffset | null)
      },
      onError: (err) => logger.warn(`reading ${topic}: ${err.message}`),
    })
  }

  #put(connector: string, partition: SourcePartition, offset: SourceOffset | null): void {
    let m = this.#offsets.get(connector)
    if (m === undefined) {
      m = new Map()
      this.#offsets.set(connector, m)
    }
    if (offset === null) m.delete(canonicalJson(partition))
    else m.set(canonicalJson(partition), { partition, offset })
  }

  async start(timeoutMs: number): Promise<void> {
    await this.#log.start()
    await this.#log.readToEnd(timeoutMs)
  }

  get topic(): string {
    return this.#log.topic
  }

  /** Known once started; exactly-once tasks place their offset records by murmur2 over it. */
  get partitionCount(): number {
    return this.#log.partitionCount
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#offsets.get(connector)?.get(canonicalJson(partition))?.offset ?? null
  }

  getAll(connector: string): Array<{ partition: SourcePartition; offset: SourceOffset | null }> {
    return [...(this.#offsets.get(connector)?.values() ?? [])]
  }

  set(
    connector: string,
    entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): void {
    for (const e of entries) {
      this.#put(connector, e.partition, e.offset)
      this.#pending.push({ connector, partition: e.partition, offset: e.offset })
    }
  }

  async flush(): Promise<void> {
    const batch = this.#pending
    this.#pending = []
    await Promise.all(
      batch.map((e) =>
        this.#log.send(encodeOffsetKey(e.connector, e.partition), encodeOffsetValue(e.offset)),
      ),
    )
  }

  readToEnd(timeoutMs: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs)
  }

  stop(): Promise<void> {
    return this.#log.stop()
  }
}
