import {
  AbstractConfig,
  CaseInsensitiveValidString,
  ConfigDef,
  ConnectError,
  type ConnectorProps,
  type ConnectorTransactionBoundaries,
  type ExactlyOnceSupport,
  Headers,
  NonEmptyString,
  Range,
  type Schema,
  Schemas,
  SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  SourceTask,
  type TaskClass,
  ValidString,
} from '@sluice/api'
import { DatagenContent } from './datagen-content.js'
import { isLong } from './file-stream-source-config.js'
import { RateLimiter } from './rate-limiter.js'
import { systemTaskClock, type TaskClock } from './task-clock.js'
import { VERSION } from './version.js'

/** Class name of the datagen source, used in `connector.class` (alias `Datagen`). */
export const DATAGEN_CLASS = 'io.sluice.connect.datagen.DatagenConnector'

/** Config key: the topic records go to. */
export const DATAGEN_TOPIC_CONFIG = 'topic'
/** Config key: value size in bytes. */
export const RECORD_SIZE_CONFIG = 'record.size'
/** Config key: key style (`none`, `string`, `long`). */
export const KEY_CONFIG = 'key'
/** Config key: value schema (`STRING` or `BYTES`). */
export const VALUE_SCHEMA_CONFIG = 'value.schema'
/** Config key: records per second for the whole connector; 0 = unlimited. */
export const RATE_LIMIT_CONFIG = 'rate.limit'
/** Config key: number of partitions to spread records over explicitly; 0 = let the producer choose. */
export const PARTITIONS_CONFIG = 'partitions'
/** Config key: total records for the whole connector, then stop producing; 0 = unlimited. */
export const MAX_RECORDS_CONFIG = 'max.records'
/** Config key: the most records one `poll` returns. */
export const DATAGEN_BATCH_SIZE_CONFIG = 'batch.size'
/** Config key: seed of the generated content. */
export const SEED_CONFIG = 'seed'
/**
 * Config key: with `transaction.boundary=connector` (exactly-once workers), the task commits a
 * transaction after every this many records of its sequence; 0 = the task defines no boundaries.
 */
export const TRANSACTION_RECORDS_CONFIG = 'transaction.records'
/** Internal task config key: this task's index, set by `taskConfigs`. */
export const TASK_ID_CONFIG = 'datagen.task.id'
/** Internal task config key: how many tasks share the work, set by `taskConfigs`. */
export const TASK_COUNT_CONFIG = 'datagen.task.count'

/** Source partition key: the task index (`{task: <n>}`). */
export const TASK_FIELD = 'task'
/** Source offset key: sequence number of the last record produced (`{seq: <n>}`); a restart goes on at n+1. */
export const SEQ_FIELD = 'seq'

/** The datagen source's configuration, as data. */
export const DATAGEN_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: DATAGEN_TOPIC_CONFIG,
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    documentation: 'The topic to write generated records to.',
    group: 'Datagen',
    orderInGroup: 1,
  })
  .define({
    name: RECORD_SIZE_CONFIG,
    type: 'INT',
    defaultValue: 100,
    validator: Range.between(0, 64 * 1024 * 1024),
    importance: 'HIGH',
    documentation:
      'Size of each value in bytes. Values are ASCII: "<task>-<seq>:" followed by seeded pseudo-random ' +
      'alphanumeric filler, cut to exactly this size.',
    group: 'Datagen',
    orderInGroup: 2,
  })
  .define({
    name: VALUE_SCHEMA_CONFIG,
    type: 'STRING',
    defaultValue: 'STRING',
    validator: CaseInsensitiveValidString.in('STRING', 'BYTES'),
    importance: 'MEDIUM',
    documentation:
      'Schema of the values: STRING (a string) or BYTES (a Uint8Array; with the ByteArrayConverter the ' +
      'bytes go to Kafka as they are).',
    group: 'Datagen',
    orderInGroup: 3,
  })
  .define({
    name: KEY_CONFIG,
    type: 'STRING',
    defaultValue: 'none',
    validator: ValidString.in('none', 'string', 'long'),
    importance: 'MEDIUM',
    documentation:
      'Key of each record: none (null key, no key schema), string (STRING "<task>-<seq>") or long (INT64 ' +
      'global index seq * tasks + task, unique across tasks).',
    group: 'Datagen',
    orderInGroup: 4,
  })
  .define({
    name: RATE_LIMIT_CONFIG,
    type: 'DOUBLE',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Records per second for the whole connector, split evenly across its tasks; 0 means as fast as ' +
      'possible. Fractions are allowed (0.5 = one record every two seconds).',
    group: 'Datagen',
    orderInGroup: 5,
  })
  .define({
    name: PARTITIONS_CONFIG,
    type: 'INT',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'When above 0, each record is sent to partition (seq * tasks + task) mod partitions, so records ' +
      'spread evenly and, with as many tasks as partitions, each task owns one partition. The topic must ' +
      'have at least this many partitions. 0 leaves the choice to the producer.',
    group: 'Datagen',
    orderInGroup: 6,
  })
  .define({
    name: MAX_RECORDS_CONFIG,
    type: 'LONG',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Total records the connector produces, split across its tasks; after that the tasks stay idle. ' +
      '0 means no limit. Counts survive restarts through the source offsets.',
    group: 'Datagen',
    orderInGroup: 7,
  })
  .define({
    name: DATAGEN_BATCH_SIZE_CONFIG,
    type: 'INT',
    defaultValue: 1000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'The maximum number of records one poll returns.',
    group: 'Datagen',
    orderInGroup: 8,
  })
  .define({
    name: SEED_CONFIG,
    type: 'LONG',
    defaultValue: 0,
    importance: 'LOW',
    documentation: 'Seed of the generated content; the same seed, task and sequence give the same record.',
    group: 'Datagen',
    orderInGroup: 9,
  })
  .define({
    name: TRANSACTION_RECORDS_CONFIG,
    type: 'INT',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'With exactly-once source support and transaction.boundary=connector: commit a transaction after ' +
      'every this many records of the task (at sequence numbers n*transaction.records-1), so transactions ' +
      'are the same whichever worker runs the task. 0: the connector does not define transaction boundaries.',
    group: 'Datagen',
    orderInGroup: 10,
  })
  .define({
    name: TASK_ID_CONFIG,
    type: 'INT',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'Index of this task (set by the connector).',
    internal: true,
  })
  .define({
    name: TASK_COUNT_CONFIG,
    type: 'INT',
    defaultValue: 1,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Number of tasks sharing the work (set by the connector).',
    internal: true,
  })

/** The parsed datagen configuration. */
export class DatagenConfig extends AbstractConfig {
  /** @throws {@link ConfigError} naming every bad key */
  constructor(props: Readonly<Record<string, unknown>>) {
    super(DATAGEN_CONFIG_DEF, props)
  }
  /** `topic`. */
  get topic(): string {
    return this.getString(DATAGEN_TOPIC_CONFIG) ?? ''
  }
  /** `record.size` in bytes. */
  get recordSize(): number {
    return this.getInt(RECORD_SIZE_CONFIG) ?? 100
  }
  /** `value.schema`, upper-cased. */
  get valueSchema(): 'STRING' | 'BYTES' {
    return (this.getString(VALUE_SCHEMA_CONFIG) ?? 'STRING').toUpperCase() === 'BYTES' ? 'BYTES' : 'STRING'
  }
  /** `key`. */
  get keyStyle(): 'none' | 'string' | 'long' {
    return (this.getString(KEY_CONFIG) ?? 'none') as 'none' | 'string' | 'long'
  }
  /** `rate.limit` for the whole connector (records/s; 0 = unlimited). */
  get rateLimit(): number {
    return this.getDouble(RATE_LIMIT_CONFIG) ?? 0
  }
  /** `partitions` (0 = producer chooses). */
  get partitions(): number {
    return this.getInt(PARTITIONS_CONFIG) ?? 0
  }
  /** 0 = unlimited; a bigint beyond 2^53 is treated as unlimited too (no benchmark gets there). */
  get maxRecords(): number {
    const v = this.getLong(MAX_RECORDS_CONFIG) ?? 0
    return typeof v === 'bigint' ? 0 : v
  }
  /** `batch.size`. */
  get batchSize(): number {
    return this.getInt(DATAGEN_BATCH_SIZE_CONFIG) ?? 1000
  }
  /** `seed`. */
  get seed(): number | bigint {
    return this.getLong(SEED_CONFIG) ?? 0
  }
  /** `transaction.records` (0 = no connector-defined boundaries). */
  get transactionRecords(): number {
    return this.getInt(TRANSACTION_RECORDS_CONFIG) ?? 0
  }
  /** This task's index (`datagen.task.id`). */
  get taskId(): number {
    return this.getInt(TASK_ID_CONFIG) ?? 0
  }
  /** Number of tasks (`datagen.task.count`). */
  get taskCount(): number {
    return this.getInt(TASK_COUNT_CONFIG) ?? 1
  }
}

/**
 * This task's share of a connector-wide total split over `count` tasks: the first `total mod count`
 * tasks get one more, so the shares add up exactly.
 */
export function shareOf(total: number, task: number, count: number): number {
  return Math.floor(total / count) + (task < total % count ? 1 : 0)
}

/**
 * A synthetic source for demos and throughput benchmarks (`Datagen`): each task produces deterministic
 * records (see {@link DatagenContent}) with source partition `{task}` and offset `{seq}`, so it resumes
 * where it stopped. `tasks.max` tasks share `max.records` and `rate.limit`.
 *
 * @example
 * ```properties
 * name=bench
 * connector.class=Datagen
 * tasks.max=4
 * topic=bench
 * record.size=512
 * max.records=1000000
 * partitions=4
 * ```
 */
export class DatagenConnector extends SourceConnector {
  #props: ConnectorProps = {}

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} for an invalid configuration, naming the key */
  start(props: ConnectorProps): void {
    new DatagenConfig(props)
    this.#props = { ...props }
  }

  taskClass(): TaskClass<SourceTask> {
    return DatagenTask
  }

  /** `maxTasks` configs that differ only in the task index; each task derives its share from it. */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    const count = Math.max(1, maxTasks)
    return Array.from({ length: count }, (_, i) => ({
      ...this.#props,
      [TASK_ID_CONFIG]: String(i),
      [TASK_COUNT_CONFIG]: String(count),
    }))
  }

  stop(): void {
    // Nothing to release: the connector has no background work.
  }

  config(): ConfigDef {
    return DATAGEN_CONFIG_DEF
  }

  /** Content and offsets are deterministic, so a transactional run reproduces exactly what it lost. */
  override exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport {
    return 'SUPPORTED'
  }

  /** Supported when `transaction.records` > 0: the task then commits after every that many records. */
  override canDefineTransactionBoundaries(props: ConnectorProps): ConnectorTransactionBoundaries {
    return new DatagenConfig(props).transactionRecords > 0 ? 'SUPPORTED' : 'UNSUPPORTED'
  }

  /**
   * Accepts null offsets (tombstones) and `{seq: <non-negative integer>}` for partitions `{task: <n>}`.
   * @throws {@link ConnectError} describing the first bad entry
   */
  override alterOffsets(
    _props: ConnectorProps,
    offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): boolean {
    for (const { partition, offset } of offsets) {
      const task = partition?.[TASK_FIELD]
      if (!isLong(task) || task < 0) {
        throw new ConnectError(
          'XC_CONNECT',
          `Partition objects should contain the key '${TASK_FIELD}' with a non-negative integer`,
        )
      }
      if (offset === null || offset === undefined) continue
      const seq = offset[SEQ_FIELD]
      if (!isLong(seq) || seq < 0) {
        throw new ConnectError(
          'XC_CONNECT',
          `Offset objects should either be null or contain the key '${SEQ_FIELD}' with a non-negative integer`,
        )
      }
    }
    return true
  }
}

/** Options of {@link DatagenTask}; the runtime uses the defaults, tests inject a clock. */
export interface DatagenTaskOptions {
  /** Clock for rate limiting and idle waits. */
  readonly clock?: TaskClock
  /** How long a poll waits once the task produced its share (default 1000 ms). */
  readonly idleWaitMs?: number
}

/** The datagen task: see {@link DatagenConnector}. */
export class DatagenTask extends SourceTask {
  /** Reported as `task.class` in task configs, as Kafka Connect names it. */
  static readonly className = 'io.sluice.connect.datagen.DatagenTask'

  readonly #clock: TaskClock
  readonly #idleWaitMs: number
  #stopping = new AbortController()
  #topic = ''
  #task = 0
  #count = 1
  #batchSize = 1000
  #partitions = 0
  #keyStyle: 'none' | 'string' | 'long' = 'none'
  #valueSchema: Schema = Schemas.STRING
  #bytes = false
  #content: DatagenContent = new DatagenContent(0, 0)
  #nextSeq = 0
  /** Sequence number at which this task's share ends (exclusive); Infinity when unlimited. */
  #endSeq = Number.POSITIVE_INFINITY
  #limiter: RateLimiter | null = null
  #partition: SourcePartition = {}
  #txnRecords = 0

  constructor(options: DatagenTaskOptions = {}) {
    super()
    this.#clock = options.clock ?? systemTaskClock
    this.#idleWaitMs = options.idleWaitMs ?? 1000
  }

  version(): string {
    return VERSION
  }

  /**
   * Parses the config and resumes after the stored offset.
   * @throws {@link ConfigError} for an invalid configuration; {@link ConnectError} for a malformed stored offset
   */
  async start(props: ConnectorProps): Promise<void> {
    const config = new DatagenConfig(props)
    this.#stopping = new AbortController()
    this.#topic = config.topic
    this.#task = config.taskId
    this.#count = config.taskCount
    this.#batchSize = config.batchSize
    this.#partitions = config.partitions
    this.#keyStyle = config.keyStyle
    this.#bytes = config.valueSchema === 'BYTES'
    this.#valueSchema = this.#bytes ? Schemas.BYTES : Schemas.STRING
    this.#content = new DatagenContent(config.recordSize, config.seed)
    const max = config.maxRecords
    this.#endSeq = max > 0 ? shareOf(max, this.#task, this.#count) : Number.POSITIVE_INFINITY
    // NaN/Infinity pass the range check; neither is a usable pace, so both mean unlimited.
    const rate = Number.isFinite(config.rateLimit) ? config.rateLimit / this.#count : 0
    // Burst: at most one batch or one second's worth, so pacing stays smooth after an idle spell.
    this.#limiter = rate > 0 ? new RateLimiter(rate, Math.min(this.#batchSize, rate), this.#clock) : null
    this.#partition = Object.freeze({ [TASK_FIELD]: this.#task })
    this.#txnRecords = config.transactionRecords
    const stored = await this.context.offsetStorageReader.offset(this.#partition)
    const last = stored?.[SEQ_FIELD]
    if (last === null || last === undefined) this.#nextSeq = 0
    else if (isLong(last) && last >= 0) this.#nextSeq = Number(last) + 1
    else
      throw new ConnectError(
        'XC_CONNECT',
        `Offset ${SEQ_FIELD} of datagen task ${this.#task} is not a non-negative integer`,
      )
  }

  /** Up to `batch.size` records (fewer under a rate limit); null after waiting once the share is done. */
  async poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    const stopping = this.#stopping.signal
    if (signal.aborted || stopping.aborted) return null
    let n = Math.min(this.#batchSize, this.#endSeq - this.#nextSeq)
    if (n <= 0) {
      // Done: idle without spinning; the runtime polls again right after an empty poll.
      await this.#clock.sleep(this.#idleWaitMs, signal, stopping)
      return null
    }
    if (this.#limiter !== null) {
      n = await this.#limiter.acquire(n, [signal, stopping])
      if (n === 0) return null
    }
    return this.#generate(n)
  }

  /** Unblocks a waiting poll. */
  stop(): void {
    this.#stopping.abort()
  }

  #generate(n: number): SourceRecord[] {
    const records = new Array<SourceRecord>(n)
    const topic = this.#topic
    const content = this.#content
    const task = this.#task
    const count = this.#count
    const partitions = this.#partitions
    const keyStyle = this.#keyStyle
    const keySchema = keyStyle === 'string' ? Schemas.STRING : keyStyle === 'long' ? Schemas.INT64 : null
    const size = content.recordSize
    // transaction.boundary=connector: null unless the worker runs this task exactly-once that way.
    const txn = this.#txnRecords > 0 ? this.context.transactionContext() : null
    // BYTES values of one batch are views of one fresh buffer: one allocation per poll, never reused
    // (the runtime may still hold earlier batches).
    const block = this.#bytes ? Buffer.allocUnsafe(n * size) : null
    for (let i = 0; i < n; i++) {
      const seq = this.#nextSeq++
      const global = seq * count + task
      let value: string | Buffer
      if (block !== null) {
        content.writeValue(task, seq, block, i * size)
        value = block.subarray(i * size, (i + 1) * size)
      } else value = content.valueString(task, seq)
      records[i] = {
        sourcePartition: this.#partition,
        sourceOffset: { [SEQ_FIELD]: seq },
        topic,
        kafkaPartition: partitions > 0 ? global % partitions : null,
        keySchema,
        key: keyStyle === 'string' ? `${task}-${seq}` : keyStyle === 'long' ? global : null,
        valueSchema: this.#valueSchema,
        value,
        timestamp: null,
        headers: new Headers(),
      }
      if (txn !== null && (seq + 1) % this.#txnRecords === 0)
        txn.commitTransaction(records[i] as SourceRecord)
    }
    return records
  }
}
