import { DataError, type SinkRecord, Struct } from '@sluice/api'
import type { S3SinkConfig } from './config.js'
import { JodaFormatter } from './joda-format.js'

/** Where a record's timestamp comes from for time-based partitioning (`timestamp.extractor`). */
export type TimestampExtractor = (record: SinkRecord, nowMs: number) => number

/**
 * Maps a record to its encoded partition (the directories between the topic and the file name), as
 * Confluent's `Partitioner.encodePartition` / `generatePartitionedPath` do.
 */
export interface Partitioner {
  /** The encoded partition of `record` (e.g. `partition=0`, `year=2026/month=12`). */
  encodePartition(record: SinkRecord, nowMs: number): string
  /** `<topic><delim><encoded>`: the directory prefix below `topics.dir`. */
  partitionedPath(topic: string, encodedPartition: string): string
  /** The extractor of a time-based partitioner, else null (rotate.interval.ms needs one). */
  readonly timestampExtractor: TimestampExtractor | null
}

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Describes a record for error messages: topic, partition and offset. */
export function describeRecord(r: SinkRecord): string {
  return `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`
}

/** Reads `a.b.c` from a Struct or a schemaless map/object value; undefined when a step is missing. */
export function fieldValue(value: unknown, path: string): unknown {
  let v: unknown = value
  for (const name of path.split('.')) {
    if (v instanceof Struct) {
      if (v.schema.field(name) === undefined) return undefined
      v = v.get(name)
    } else if (v instanceof Map) {
      if (!v.has(name)) return undefined
      v = v.get(name)
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      if (!Object.hasOwn(v, name)) return undefined
      v = (v as Record<string, unknown>)[name]
    } else return undefined
  }
  return v
}

/** The `timestamp.extractor` of the config: Wallclock, Record or RecordField. */
export function timestampExtractor(config: S3SinkConfig): TimestampExtractor {
  switch (config.timestampExtractor) {
    case 'Wallclock':
      return (_r, now) => now
    case 'Record':
      return (r) => {
        if (r.timestamp === null)
          throw new DataError(
            `Unable to determine timestamp using timestamp.extractor Record for record ${describeRecord(r)}: it has no timestamp`,
          )
        return r.timestamp
      }
    case 'RecordField': {
      const field = config.timestampField
      return (r) => {
        const v = fieldValue(r.value, field)
        if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v)
        if (typeof v === 'bigint') return Number(v)
        if (v instanceof Date) return v.getTime()
        if (typeof v === 'string') {
          const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v)
          if (!Number.isNaN(ms)) return ms
        }
        throw new DataError(
          `Unable to extract timestamp from field '${field}' (timestamp.field) of record ${describeRecord(r)}: ${v === undefined ? 'no such field' : `unsupported value ${String(v)}`}; it must be a Timestamp, an integer of epoch milliseconds or an ISO-8601 string`,
        )
      }
    }
  }
}

class DefaultPartitioner implements Partitioner {
  readonly timestampExtractor: TimestampExtractor | null = null
  readonly #delim: string
  constructor(delim: string) {
    this.#delim = delim
  }
  encodePartition(record: SinkRecord, _nowMs: number): string {
    return `partition=${record.kafkaPartition}`
  }
  partitionedPath(topic: string, encoded: string): string {
    return `${topic}${this.#delim}${encoded}`
  }
}

class FieldPartitioner extends DefaultPartitioner {
  readonly #fields: readonly string[]
  readonly #delimiter: string
  constructor(delim: string, fields: readonly string[]) {
    super(delim)
    this.#delimiter = delim
    this.#fields = fields
  }
  override encodePartition(record: SinkRecord, _nowMs: number): string {
    const value = record.value
    if (!(value instanceof Struct) && (typeof value !== 'object' || value === null || Array.isArray(value)))
      throw new DataError(
        `FieldPartitioner cannot partition record ${describeRecord(record)}: its value is not a struct or map`,
      )
    return this.#fields
      .map((name) => {
        const v = fieldValue(value, name)
        if (v === undefined)
          throw new DataError(
            `FieldPartitioner: record ${describeRecord(record)} has no field '${name}' (partition.field.name)`,
          )
        if (v === null) return `${name}=null`
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean')
          return `${name}=${String(v)}`
        throw new DataError(
          `FieldPartitioner: field '${name}' of record ${describeRecord(record)} is not an integer, string or boolean, so it cannot name a partition`,
        )
      })
      .join(this.#delimiter)
  }
}

class TimeBasedPartitioner extends DefaultPartitioner {
  override readonly timestampExtractor: TimestampExtractor
  readonly #durationMs: number
  readonly #formatter: JodaFormatter

  constructor(delim: string, durationMs: number, pathFormat: string, config: S3SinkConfig) {
    super(delim)
    this.#durationMs = durationMs
    this.#formatter = new JodaFormatter(pathFormat, config.timezone, config.locale)
    this.timestampExtractor = timestampExtractor(config)
  }

  override encodePartition(record: SinkRecord, nowMs: number): string {
    return this.encodeTimestamp(this.timestampExtractor(record, nowMs))
  }

  /** Confluent's `TimeBasedPartitioner.getPartition`: floor the local time to the duration, then format. */
  encodeTimestamp(ts: number): string {
    const f = this.#formatter
    const local = ts + f.offsetMs(ts)
    const floored = Math.floor(local / this.#durationMs) * this.#durationMs
    // Back to UTC with the offset in force at that local time (earlier one on an overlap).
    const utc = floored - f.offsetMs(floored - f.offsetMs(floored))
    return f.format(utc)
  }
}

/** The partitioner of `partitioner.class`. */
export function createPartitioner(config: S3SinkConfig): Partitioner {
  const delim = config.directoryDelim
  switch (config.partitioner) {
    case 'default':
      return new DefaultPartitioner(delim)
    case 'field':
      return new FieldPartitioner(delim, config.partitionFields)
    case 'time':
      return new TimeBasedPartitioner(delim, config.partitionDurationMs, config.pathFormat, config)
    case 'daily':
      return new TimeBasedPartitioner(delim, DAY_MS, "'year'=YYYY/'month'=MM/'day'=dd", config)
    case 'hourly':
      return new TimeBasedPartitioner(delim, HOUR_MS, "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", config)
  }
}

/**
 * The next wall-clock rotation after `now` for `rotate.schedule.interval.ms` (Confluent's
 * `getNextTimeAdjustedByDay`): the next multiple of the interval since local midnight, but never past the
 * next midnight, so rotations line up with the day in `timezone`.
 */
export function nextScheduledRotation(now: number, intervalMs: number, timezone: string): number {
  const f = new JodaFormatter('', timezone, '')
  const local = now + f.offsetMs(now)
  const localMidnight = Math.floor(local / DAY_MS) * DAY_MS
  const startOfDay = localMidnight - f.offsetMs(localMidnight - f.offsetMs(localMidnight))
  const next = startOfDay + (Math.floor((now - startOfDay) / intervalMs) + 1) * intervalMs
  const nextMidnight = localMidnight + DAY_MS
  const nextDay = nextMidnight - f.offsetMs(nextMidnight - f.offsetMs(nextMidnight))
  return Math.min(next, nextDay)
}
