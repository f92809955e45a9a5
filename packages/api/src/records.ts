import type { Schema } from './data/index.js'
import { Headers } from './header.js'

/** A source system's partition, e.g. `{ filename: '/tmp/in.txt' }`. Values must be JSON-compatible. */
export type SourcePartition = Readonly<Record<string, unknown>>
/** A position within a {@link SourcePartition}, e.g. `{ position: 1024 }`. Values must be JSON-compatible. */
export type SourceOffset = Readonly<Record<string, unknown>>

/** How a consumed record's timestamp was set (Kafka's `TimestampType`). */
export type TimestampType = 'NO_TIMESTAMP_TYPE' | 'CREATE_TIME' | 'LOG_APPEND_TIME'

/** A Kafka topic partition. */
export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** A topic partition with an offset: the next offset to consume, when used for commits. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number
}

/**
 * The common shape of records flowing through connectors, converters and transforms
 * (Kafka Connect's `ConnectRecord`). Records are treated as immutable: transforms return new
 * records (see {@link newRecord}).
 */
export interface ConnectRecord {
  readonly topic: string
  /** Target or source partition; null lets the producer's partitioner choose. */
  readonly kafkaPartition: number | null
  readonly keySchema: Schema | null
  readonly key: unknown
  readonly valueSchema: Schema | null
  readonly value: unknown
  /** Milliseconds since the epoch, or null. */
  readonly timestamp: number | null
  readonly headers: Headers
}

/** A record produced by a {@link SourceTask}, with the position it came from. */
export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition | null
  readonly sourceOffset: SourceOffset | null
}

/** A record delivered to a {@link SinkTask}, with where it was consumed from. */
export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number
  readonly kafkaOffset: number
  readonly timestampType: TimestampType
  /** Topic/partition/offset before any transform changed them (KIP-793). */
  readonly originalTopic: string
  readonly originalKafkaPartition: number
  readonly originalKafkaOffset: number
}

/** Fields accepted by {@link sourceRecord}; everything but `topic` and `value` is optional. */
export interface SourceRecordInit {
  readonly sourcePartition?: SourcePartition | null
  readonly sourceOffset?: SourceOffset | null
  readonly topic: string
  readonly kafkaPartition?: number | null
  readonly keySchema?: Schema | null
  readonly key?: unknown
  readonly valueSchema?: Schema | null
  readonly value: unknown
  readonly timestamp?: number | null
  readonly headers?: Headers
}

/**
 * Creates a {@link SourceRecord}, filling unset fields with nulls and empty headers.
 *
 * @example
 * ```ts
 * sourceRecord({ sourcePartition: { filename }, sourceOffset: { position }, topic: 'lines',
 *   valueSchema: Schemas.STRING, value: line })
 * ```
 */
export function sourceRecord(init: SourceRecordInit): SourceRecord {
  return {
    sourcePartition: init.sourcePartition ?? null,
    sourceOffset: init.sourceOffset ?? null,
    topic: init.topic,
    kafkaPartition: init.kafkaPartition ?? null,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value,
    timestamp: init.timestamp ?? null,
    headers: init.headers ?? new Headers(),
  }
}

/** Fields accepted by {@link sinkRecord}. */
export interface SinkRecordInit {
  readonly topic: string
  readonly kafkaPartition: number
  readonly kafkaOffset: number
  readonly keySchema?: Schema | null
  readonly key?: unknown
  readonly valueSchema?: Schema | null
  readonly value: unknown
  readonly timestamp?: number | null
  readonly timestampType?: TimestampType
  readonly headers?: Headers
}

/** Creates a {@link SinkRecord}; the `original*` fields start equal to topic/partition/offset. */
export function sinkRecord(init: SinkRecordInit): SinkRecord {
  return {
    topic: init.topic,
    kafkaPartition: init.kafkaPartition,
    kafkaOffset: init.kafkaOffset,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value,
    timestamp: init.timestamp ?? null,
    timestampType: init.timestampType ?? (init.timestamp == null ? 'NO_TIMESTAMP_TYPE' : 'CREATE_TIME'),
    headers: init.headers ?? new Headers(),
    originalTopic: init.topic,
    originalKafkaPartition: init.kafkaPartition,
    originalKafkaOffset: init.kafkaOffset,
  }
}

/** The fields a transform may change (Kafka Connect's `newRecord(...)` arguments). */
export type RecordChanges = Partial<
  Pick<
    ConnectRecord,
    'topic' | 'kafkaPartition' | 'keySchema' | 'key' | 'valueSchema' | 'value' | 'timestamp' | 'headers'
  >
>

/**
 * Returns a copy of `record` with `changes` applied, keeping its kind: a source record keeps its
 * source partition/offset, a sink record its Kafka offset and original coordinates.
 */
export function newRecord<R extends ConnectRecord>(record: R, changes: RecordChanges): R {
  return { ...record, ...changes }
}

/** Where the broker stored a produced record (Kafka's `RecordMetadata`). */
export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number | null
}
