import type {
  ConnectorProps,
  ErrorEnvelope,
  SourceBacklog,
  SourceOffset,
  SourcePartition,
  TopicPartition,
  TopicPartitionOffset,
} from '@sluice/api'
import type { PackedRecords } from '@sluice/kafka'
import type { ErrorCountsDelta } from '../task/error-counts.js'
import type { ErrorHandlingSpec, KafkaStage } from '../task/error-handler.js'
import type { SinkBatchStats, SourceBatchStats } from '../telemetry/events.js'
import type { TargetState } from '../worker/worker-api.js'

/** A plugin instance to create on a task thread: which module to import and which class it names. */
export interface PluginRef {
  readonly modulePath: string
  readonly className: string
  readonly configs: Readonly<Record<string, unknown>>
}

/** A configured SMT of the chain (`transforms.<alias>.*`), optionally guarded by a predicate. */
export interface TransformRef extends PluginRef {
  readonly alias: string
  readonly predicate?: PluginRef & { readonly alias: string }
  readonly negate: boolean
}

/** Everything a task actor needs to start; sent once as the Piscina task's data. */
export interface TaskSpec {
  readonly connector: string
  readonly task: number
  readonly kind: 'source' | 'sink'
  readonly connectorPlugin: PluginRef
  readonly taskProps: ConnectorProps
  readonly keyConverter: PluginRef
  readonly valueConverter: PluginRef
  readonly headerConverter: PluginRef
  readonly transforms: readonly TransformRef[]
  readonly targetState: TargetState
  /** Source: batches handed to the Kafka I/O actor but not yet acknowledged. */
  readonly maxInFlightBatches: number
  /** The connector's `errors.*` settings (KIP-298). */
  readonly errors: ErrorHandlingSpec
  /** Values of the connector's PASSWORD keys: masked in every log line of the task's thread. */
  readonly secrets: readonly string[]
  /**
   * KIP-618, exactly-once source tasks only: `connector` gives the task a `TransactionContext` whose
   * requests end batches with a commit or an abort.
   */
  readonly transactionBoundary?: 'poll' | 'interval' | 'connector'
}

/**
 * A record the error handler tolerated (or connector code reported through the errant record
 * reporter), for the DLQ: the original raw record where there is one, and the context headers'
 * values already in Kafka's text form.
 */
export interface ErrantRecord {
  readonly stage: KafkaStage
  readonly executingClass: string
  readonly exceptionClass: string
  readonly exceptionMessage: string
  readonly stacktrace: string
  /** The consumed record (sink), or null (source records have none). */
  readonly original: ConsumedRecord | null
  readonly originalTopic: string | null
  /** Source side (a Sluice extension): where the record was going and its source position. */
  readonly source?: {
    readonly topic: string
    readonly key: Uint8Array | null
    readonly value: Uint8Array | null
    readonly partition: string
    readonly offset: string
  }
}

/**
 * A source record as the task thread builds it before packing its batch:
 * `[topicIndex, partition (-1 = any), key, value, timestamp (-1 = none), headers ([k, v, k, v…]) | null]`.
 */
export type ProduceRecord = [
  number,
  number,
  Uint8Array | null,
  Uint8Array | null,
  number,
  Array<string | Uint8Array | null> | null,
]

/**
 * A consumed record as the task thread reads it out of a packed batch: `[topicIndex, partition, offset, timestamp (-1 = none), timestampType (0 none, 1 create,
 * 2 log-append), key, value, headers ([k, v, …]) | null]`.
 */
export type ConsumedRecord = [
  number,
  number,
  number,
  number,
  number,
  Uint8Array | null,
  Uint8Array | null,
  Array<string | Uint8Array | null> | null,
]

/** Messages from the main thread to a task actor. */
export type ToTask =
  | { readonly type: 'produced'; readonly batch: number }
  | {
      readonly type: 'produce.failed'
      readonly batch: number
      readonly error: ErrorEnvelope
      /**
       * `errors.tolerance=all`: the refused records by index in the produced batch; the task reports
       * each (KAFKA_PRODUCE: log, DLQ), skips it, and answers `produce.tolerated`.
       */
      readonly records?: ReadonlyArray<{ readonly index: number; readonly error: ErrorEnvelope }>
    }
  | { readonly type: 'offsets'; readonly req: number; readonly offsets: Array<SourceOffset | null> }
  | { readonly type: 'offsets.committed' }
  | {
      readonly type: 'records'
      readonly batch: number
      readonly topics: readonly string[]
      /** The batch as the binding returned it; the codec transfers its buffer, never re-encodes it. */
      readonly records: PackedRecords
    }
  | { readonly type: 'precommit'; readonly req: number; readonly offsets: readonly TopicPartitionOffset[] }
  | {
      readonly type: 'partitions.assigned'
      readonly req: number
      readonly partitions: readonly TopicPartition[]
    }
  | {
      readonly type: 'partitions.revoked'
      readonly req: number
      readonly partitions: readonly TopicPartition[]
    }
  | { readonly type: 'target'; readonly state: TargetState }
  | { readonly type: 'errant.done'; readonly req: number; readonly error?: ErrorEnvelope }
  | {
      /** DLQ replay: records to put again, with errors tolerated and reported (to the DLQ again). */
      readonly type: 'replay'
      readonly req: number
      readonly topics: readonly string[]
      readonly records: readonly ConsumedRecord[]
    }
  | {
      /**
       * Source DLQ replay: records read back from the DLQ, to run through the task's pipeline
       * (converters in, transforms, converters out); what fails is reported (to the DLQ again).
       */
      readonly type: 'source.replay'
      readonly req: number
      readonly records: readonly SourceReplayRecord[]
    }
  | { readonly type: 'stop' }
  | { readonly type: 'diagnostics'; readonly req: number }

/**
 * A source DLQ record to replay: the bytes as the DLQ holds them (the record as polled, serialized with
 * the task's converters), the topic it was going to and its source position (JSON, as in the
 * `__sluice.errors.source.*` headers).
 */
export interface SourceReplayRecord {
  readonly topic: string
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  /** Headers other than the DLQ's context headers: `[k, v, k, v…]` or null. */
  readonly headers: Array<string | Uint8Array | null> | null
  readonly timestamp: number
  readonly partition: string
  readonly offset: string
}

/** Messages from a task actor to the main thread. */
export type FromTask =
  | { readonly type: 'started' }
  | { readonly type: 'state'; readonly state: 'RUNNING' | 'PAUSED' }
  | {
      readonly type: 'batch'
      readonly batch: number
      readonly topics: readonly string[]
      /** Packed on the task thread, produced by one batch call on the main thread. */
      readonly records: PackedRecords
      /** Last source offset per source partition in this batch, committable once it is acknowledged. */
      readonly offsets: ReadonlyArray<readonly [SourcePartition, SourceOffset]>
      /** Telemetry figures of the batch, measured on the pool thread. */
      readonly stats?: SourceBatchStats
      /** `transaction.boundary=connector`: the task asked to commit or abort after this batch. */
      readonly txn?: 'commit' | 'abort'
      /** False for all but the last batch of one poll split by transaction requests (one credit per poll). */
      readonly credit?: boolean
    }
  | { readonly type: 'offsets.read'; readonly req: number; readonly partitions: readonly SourcePartition[] }
  /** telemetry: the task's backlog while its polls come back empty (at most once a second). */
  | { readonly type: 'source.backlog'; readonly backlog: SourceBacklog }
  | { readonly type: 'records.done'; readonly batch: number; readonly stats?: SinkBatchStats }
  | {
      readonly type: 'precommit.done'
      readonly req: number
      readonly offsets: readonly TopicPartitionOffset[]
    }
  | { readonly type: 'partitions.done'; readonly req: number }
  | { readonly type: 'sink.pause'; readonly partitions: readonly TopicPartition[] }
  | { readonly type: 'sink.resume'; readonly partitions: readonly TopicPartition[] }
  | { readonly type: 'sink.rewind'; readonly offsets: readonly TopicPartitionOffset[] }
  | { readonly type: 'sink.request-commit' }
  | { readonly type: 'errant'; readonly req: number; readonly record: ErrantRecord }
  | { readonly type: 'replay.done'; readonly req: number; readonly put: number; readonly failed: number }
  | {
      /** Source DLQ replay: the records that made it through the pipeline, to produce; `from` maps each to its input. */
      readonly type: 'source.replay.done'
      readonly req: number
      readonly topics: readonly string[]
      readonly records: PackedRecords
      readonly from: readonly number[]
      /** Records that failed in the pipeline again (reported to the DLQ). */
      readonly failed: number
    }
  /** The refused records of a batch were reported and skipped: its offsets are committable. */
  | { readonly type: 'produce.tolerated'; readonly batch: number }
  /** `errors` (telemetry): what the error handler counted since the last batch. */
  | { readonly type: 'failed'; readonly error: ErrorEnvelope; readonly errors?: ErrorCountsDelta }
  | { readonly type: 'stopped'; readonly errors?: ErrorCountsDelta }
  | {
      readonly type: 'diagnostics'
      readonly req: number
      readonly loadedModules: readonly string[]
      readonly threadId: number
    }
