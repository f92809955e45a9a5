import {
  ConnectError,
  DataError,
  type Headers,
  type Schema,
  SchemaBuilder,
  Schemas,
  type SinkRecord,
  Struct,
  schemaEquals,
  type TopicPartition,
} from '@sluice/api'
import type { S3SinkConfig } from './config.js'
import type { FileWriter, Format, View } from './formats.js'
import { describeRecord, nextScheduledRotation, type Partitioner } from './partitioner.js'
import { END_OFFSET_METADATA, FileExistsError, type S3Storage } from './s3-storage.js'

/** The formats a partition writes with: values, and keys/headers files when stored. */
export interface WriterFormats {
  readonly value: Format
  readonly keys: Format | null
  readonly headers: Format | null
}

/** One file of an encoded partition, with its companions for keys and headers. */
interface OpenFile {
  readonly key: string
  readonly startOffset: number
  readonly schema: Schema | null
  /** Null for the tombstone partition, which has keys (and headers) files only. */
  readonly value: FileWriter | null
  readonly keys: FileWriter | null
  readonly headers: FileWriter | null
  readonly objects: ReadonlyArray<{ setEndOffset(o: number): void }>
}

const HEADER_SCHEMA = SchemaBuilder.struct()
  .field('key', Schemas.STRING)
  .field('value', Schemas.OPTIONAL_STRING)
  .build()
const HEADERS_SCHEMA = SchemaBuilder.array(HEADER_SCHEMA).build()
/** Parquet files need records: keys and headers are wrapped as Confluent's "enveloped" views do. */
const HEADERS_ENVELOPE = SchemaBuilder.struct().name('RecordHeaders').field('headers', HEADERS_SCHEMA).build()

function headerText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (value instanceof Date) return String(value.getTime())
  return typeof value === 'object'
    ? JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    : String(value)
}

function headersView(headers: Headers, enveloped: boolean): View {
  const list = [...headers].map((h) =>
    new Struct(HEADER_SCHEMA).put('key', h.key).put('value', headerText(h.value)),
  )
  return enveloped
    ? { schema: HEADERS_ENVELOPE, value: new Struct(HEADERS_ENVELOPE).put('headers', list) }
    : { schema: HEADERS_SCHEMA, value: list }
}

function keyView(record: SinkRecord, enveloped: boolean): View {
  if (record.key === null || record.key === undefined)
    throw new DataError(
      `Key cannot be null for record ${describeRecord(record)} with store.kafka.keys=true; produce keys or turn store.kafka.keys off`,
    )
  if (!enveloped) return { schema: record.keySchema, value: record.key }
  if (record.keySchema === null)
    throw new DataError(
      `ParquetFormat needs a key schema to store the key of record ${describeRecord(record)}`,
    )
  const schema = SchemaBuilder.struct().name('RecordKey').field('key', record.keySchema).build()
  return { schema, value: new Struct(schema).put('key', record.key) }
}

/**
 * Writes one topic partition's records into files, as Confluent's `TopicPartitionWriter`: one open file
 * per encoded partition, all of them committed together on rotation (`flush.size` records counted over
 * the topic partition, `rotate.interval.ms` on record time, `rotate.schedule.interval.ms` on the clock,
 * a schema change), then `offsetToCommit = last offset + 1`. Nothing is committed to Kafka before the
 * objects are complete in S3.
 */
export class TopicPartitionWriter {
  readonly tp: TopicPartition
  readonly #config: S3SinkConfig
  readonly #partitioner: Partitioner
  readonly #formats: WriterFormats
  readonly #storage: S3Storage
  readonly #rewind: (offset: number) => void
  readonly #files = new Map<string, OpenFile>()
  readonly #conditional: boolean
  #recordCount = 0
  #baseTimestamp: number | null = null
  #currentTimestamp = 0
  #currentEncoded: string | null = null
  #currentOffset = -1
  #offsetToCommit: number | null = null
  #nextScheduled = Number.POSITIVE_INFINITY
  /** The highest offset handed to {@link write}, dropped records included. */
  #maxSeen = -1
  /** While set (after a rewind), records above it are from before the seek and are skipped. */
  #skipAbove: number | null = null
  /** The last offset of the batch being written. */
  #batchMax = -1

  constructor(
    tp: TopicPartition,
    config: S3SinkConfig,
    partitioner: Partitioner,
    formats: WriterFormats,
    storage: S3Storage,
    now: number,
    rewind: (offset: number) => void,
  ) {
    this.tp = tp
    this.#config = config
    this.#partitioner = partitioner
    this.#formats = formats
    this.#storage = storage
    this.#rewind = rewind
    // Confluent: conditional writes only where rewrites are not deterministic (scheduled rotation) and
    // only for single-object commits (no keys/headers files beside the value file).
    this.#conditional =
      config.conditionalWrites &&
      config.rotateScheduleIntervalMs > 0 &&
      !config.storeKeys &&
      !config.storeHeaders
    this.#scheduleNext(now)
  }

  /** Files open (written but not committed). */
  get openFiles(): number {
    return this.#files.size
  }

  /** Records in the open files. */
  get recordCount(): number {
    return this.#recordCount
  }

  /**
   * The offset to commit to Kafka: one past the last record that is in a complete object (null: none yet).
   * Unlike Confluent's get-and-reset it is reported on every call, so a commit the runtime dropped (a
   * preCommit reply that timed out, a failed commit) is made at the next one.
   */
  offsetToCommit(): number | null {
    return this.#offsetToCommit
  }

  #scheduleNext(now: number): void {
    if (this.#config.rotateScheduleIntervalMs > 0)
      this.#nextScheduled = nextScheduledRotation(
        now,
        this.#config.rotateScheduleIntervalMs,
        this.#config.timezone,
      )
  }

  #rotateOnTime(encoded: string | null, timestamp: number, now: number): boolean {
    if (this.#recordCount <= 0) return false
    const c = this.#config
    const periodic =
      c.rotateIntervalMs > 0 &&
      this.#partitioner.timestampExtractor !== null &&
      (timestamp - (this.#baseTimestamp ?? timestamp) >= c.rotateIntervalMs ||
        (c.rotateOnPartitionChange && encoded !== this.#currentEncoded))
    const scheduled = c.rotateScheduleIntervalMs > 0 && now >= this.#nextScheduled
    return periodic || scheduled
  }

  /**
   * Writes `records` (this partition's, in offset order) and commits every rotation they complete; with
   * none, only checks time-based rotation. Returns false when a conditional write found the data already
   * in S3 and the partition was rewound (the rest of the batch comes again).
   */
  async write(records: readonly SinkRecord[], now: number): Promise<boolean> {
    const extractor = this.#partitioner.timestampExtractor
    // A rewind in the middle of this batch drops its tail too: count the tail as seen.
    this.#batchMax = records.length > 0 ? records[records.length - 1]!.kafkaOffset : -1
    for (const record of records) {
      const offset = record.kafkaOffset
      if (this.#skipAbove !== null) {
        // After a rewind, batches fetched before the seek may still arrive: they start past everything
        // seen so far. The refetch from the rewind point starts at or below it.
        if (offset > this.#skipAbove) continue
        this.#skipAbove = null
      }
      this.#maxSeen = Math.max(this.#maxSeen, offset)
      if (offset <= this.#currentOffset) continue // already in S3 (redelivered after a rewind)
      if (extractor !== null) {
        this.#currentTimestamp = extractor(record, now)
        this.#baseTimestamp ??= this.#currentTimestamp
      }
      const tombstone = record.value === null || record.value === undefined
      // Tombstones (behavior.on.null.values=write) go to their own partition, as keys (and headers) only.
      const encoded = tombstone
        ? this.#config.tombstonePartition
        : this.#partitioner.encodePartition(record, now)
      const open = this.#files.get(encoded)
      if (open !== undefined && this.#recordCount > 0 && !this.#sameSchema(open.schema, record.valueSchema)) {
        if (!(await this.#commitFiles(now))) return false
      } else if (this.#rotateOnTime(encoded, this.#currentTimestamp, now)) {
        if (!(await this.#commitFiles(now))) return false
      }
      if (extractor !== null) this.#baseTimestamp ??= this.#currentTimestamp
      this.#append(record, encoded)
      if (this.#recordCount >= this.#config.flushSize && !(await this.#commitFiles(now))) return false
    }
    for (const f of this.#files.values())
      await Promise.all([f.value?.drain(), f.keys?.drain(), f.headers?.drain()])
    if (this.#rotateOnTime(this.#currentEncoded, this.#currentTimestamp, now)) return this.#commitFiles(now)
    return true
  }

  #sameSchema(a: Schema | null, b: Schema | null): boolean {
    if (a === b) return true
    if (a === null || b === null) return false
    return schemaEquals(a, b)
  }

  #append(record: SinkRecord, encoded: string): void {
    this.#currentEncoded = encoded
    let file = this.#files.get(encoded)
    if (file === undefined) {
      file = this.#open(encoded, record)
      this.#files.set(encoded, file)
    }
    // Key and header views are built (and checked) before anything is written, so the value, keys and
    // headers files never get out of step.
    const key = file.keys === null ? null : keyView(record, this.#config.keysFormat === 'parquet')
    let headers: View | null = null
    if (file.headers !== null) {
      if (record.headers.size === 0)
        throw new DataError(
          `Headers cannot be null for record ${describeRecord(record)} with store.kafka.headers=true; every record needs at least one header`,
        )
      headers = headersView(record.headers, this.#config.headersFormat === 'parquet')
    }
    file.value?.write({ schema: record.valueSchema, value: record.value }, record)
    if (key !== null) file.keys?.write(key, record)
    if (headers !== null) file.headers?.write(headers, record)
    this.#currentOffset = record.kafkaOffset
    this.#recordCount++
  }

  /** `<topics.dir>/<topic>/<encoded>/<topic>+<partition>+<start offset>` (without the extension). */
  #baseKey(encoded: string, startOffset: number): string {
    const c = this.#config
    const name = `${this.tp.topic}${c.fileDelim}${this.tp.partition}${c.fileDelim}${String(startOffset).padStart(c.zeroPadWidth, '0')}`
    const suffix = `${this.#partitioner.partitionedPath(this.tp.topic, encoded)}${c.directoryDelim}${name}`
    return c.topicsDir.trim() !== '' ? `${c.topicsDir}${c.directoryDelim}${suffix}` : suffix
  }

  #open(encoded: string, first: SinkRecord): OpenFile {
    const base = this.#baseKey(encoded, first.kafkaOffset)
    const f = this.#formats
    const tombstones = first.value === null || first.value === undefined
    const valueObj = this.#storage.open(`${base}${f.value.extension}`, this.#conditional)
    const keysObj = f.keys === null ? null : this.#storage.open(`${base}.keys${f.keys.extension}`, false)
    const headersObj =
      f.headers === null ? null : this.#storage.open(`${base}.headers${f.headers.extension}`, false)
    return {
      key: tombstones && keysObj ? keysObj.key : valueObj.key,
      startOffset: first.kafkaOffset,
      schema: first.valueSchema,
      value: tombstones ? null : f.value.open(valueObj),
      keys: keysObj && f.keys ? f.keys.open(keysObj) : null,
      headers: headersObj && f.headers ? f.headers.open(headersObj) : null,
      objects: [
        ...(tombstones ? [] : [valueObj]),
        ...(keysObj ? [keysObj] : []),
        ...(headersObj ? [headersObj] : []),
      ],
    }
  }

  /**
   * Commits every open file; then the records up to the current offset are durable. Returns false when
   * a conditional write met an existing object and the partition was rewound past what it holds.
   */
  async #commitFiles(now: number): Promise<boolean> {
    const files = [...this.#files.values()]
    this.#files.clear()
    for (const [i, f] of files.entries()) {
      for (const o of f.objects) o.setEndOffset(this.#currentOffset)
      try {
        // Keys and headers first: the value file is what readers (and a resume) look for.
        await f.keys?.commit()
        await f.headers?.commit()
        await f.value?.commit()
      } catch (err) {
        await Promise.all(files.slice(i + 1).map((o) => this.#abortFile(o)))
        if (err instanceof FileExistsError) return this.#resumeAfterExisting(f)
        this.#reset()
        throw err
      }
    }
    this.#offsetToCommit = this.#currentOffset + 1
    this.#recordCount = 0
    this.#baseTimestamp = null
    this.#scheduleNext(now)
    return true
  }

  /** The object at `f.key` already exists (a run before a crash wrote it): continue after its last record. */
  async #resumeAfterExisting(f: OpenFile): Promise<boolean> {
    const meta = await this.#storage.headMetadata(f.key)
    const end = Number(meta?.[END_OFFSET_METADATA] ?? Number.NaN)
    if (!Number.isInteger(end) || end < f.startOffset)
      throw new ConnectError(
        'XC_CONNECT',
        `Object ${f.key} already exists and does not record which offsets it holds (no x-amz-meta-${END_OFFSET_METADATA}); delete it or set enable.conditional.writes=false to overwrite it`,
        { stage: 'put' },
      )
    this.#reset()
    this.#currentOffset = end
    this.#offsetToCommit = end + 1
    // Records after `end` already handed to this writer were dropped with the file: they must come again
    // from the seek, not from batches fetched before it (skipped until the refetch shows up).
    const seen = Math.max(this.#maxSeen, this.#batchMax)
    if (end + 1 <= seen) this.#skipAbove = seen
    this.#rewind(end + 1)
    return false
  }

  async #abortFile(f: OpenFile): Promise<void> {
    await Promise.all([f.value?.abort(), f.keys?.abort(), f.headers?.abort()])
  }

  #reset(): void {
    this.#recordCount = 0
    this.#baseTimestamp = null
    this.#currentEncoded = null
  }

  /** Drops the open files (their uploads are aborted; nothing becomes visible). */
  async close(): Promise<void> {
    const files = [...this.#files.values()]
    this.#files.clear()
    this.#reset()
    await Promise.all(files.map((f) => this.#abortFile(f)))
  }
}
