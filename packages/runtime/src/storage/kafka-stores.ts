import type { SourceOffset, SourcePartition } from '@sluice/api'
import { KafkaLog, type LogRecord } from '@sluice/kafka'
import type { ConnectorOffsetStore } from '../worker/worker.js'
import type { ConnectorTaskId } from '../worker/worker-api.js'
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
export class KafkaConfigStore {
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

/** Status topic: every worker's reports, cached for `GET /connectors/{c}/status` on any worker. */
export class KafkaStatusStore {
  readonly #log: KafkaLog
  readonly #connectors = new Map<string, StatusValue>()
  readonly #tasks = new Map<string, Map<number, StatusValue>>()

  constructor(topic: string, client: Client, logger: StoreLogger) {
    this.#log = new KafkaLog({
      topic,
      client,
      // Java's status producer: no retries, no idempotence (a stale status must not overwrite a newer one).
      producer: { acks: 'all', retries: 0, 'enable.idempotence': false },
      consumer: isolation(false),
      onRecord: (r) => this.#apply(r),
      onError: (err) => logger.warn(`reading ${topic}: ${err.message}`),
    })
  }

  #apply(r: LogRecord): void {
    const rec = parseStatusRecord(r.key?.toString('utf8') ?? '', r.value)
    if (rec === undefined || rec.kind === 'topic') return
    if (rec.kind === 'connector') {
      if (rec.status === null) this.#connectors.delete(rec.connector)
      else this.#connectors.set(rec.connector, rec.status)
      return
    }
    let tasks = this.#tasks.get(rec.id.connector)
    if (rec.status === null) {
      tasks?.delete(rec.id.task)
      if (tasks?.size === 0) this.#tasks.delete(rec.id.connector)
      return
    }
    if (tasks === undefined) {
      tasks = new Map()
      this.#tasks.set(rec.id.connector, tasks)
    }
    tasks.set(rec.id.task, rec.status)
  }

  async start(timeoutMs: number): Promise<void> {
    await this.#log.start()
    await this.#log.readToEnd(timeoutMs)
  }

  connector(name: string): StatusValue | undefined {
    return this.#connectors.get(name)
  }

  task(id: ConnectorTaskId): StatusValue | undefined {
    return this.#tasks.get(id.connector)?.get(id.task)
  }

  tasks(connector: string): Array<{ task: number; status: StatusValue }> {
    return [...(this.#tasks.get(connector) ?? new Map<number, StatusValue>())]
      .map(([task, status]) => ({ task, status }))
      .sort((a, b) => a.task - b.task)
  }

  /** Every connector and task with a status (for the leader's cleanup of deleted ones). */
  known(): { connectors: string[]; tasks: ConnectorTaskId[] } {
    return {
      connectors: [...this.#connectors.keys()],
      tasks: [...this.#tasks].flatMap(([connector, m]) => [...m.keys()].map((task) => ({ connector, task }))),
    }
  }

  putConnector(name: string, status: StatusValue | null): Promise<void> {
    if (status !== null) this.#connectors.set(name, status)
    return this.#log.send(connectorStatusKey(name), encodeStatus(status))
  }

  putTask(id: ConnectorTaskId, status: StatusValue | null): Promise<void> {
    if (status !== null) {
      let tasks = this.#tasks.get(id.connector)
      if (tasks === undefined) {
        tasks = new Map()
        this.#tasks.set(id.connector, tasks)
      }
      tasks.set(id.task, status)
    }
    return this.#log.send(taskStatusKey(id), encodeStatus(status))
  }

  readToEnd(timeoutMs: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs)
  }

  stop(): Promise<void> {
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
