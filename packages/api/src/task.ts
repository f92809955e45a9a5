import type { ConnectorProps, OffsetStorageReader } from './connector.js'
import type {
  RecordMetadata,
  SinkRecord,
  SourceRecord,
  TopicPartition,
  TopicPartitionOffset,
} from './records.js'

/** What a source task may ask of the runtime (Kafka Connect's `SourceTaskContext`). */
export interface SourceTaskContext {
  /** The task's configuration. */
  readonly configs: ConnectorProps
  /** Committed offsets, to resume where the last run stopped. */
  readonly offsetStorageReader: OffsetStorageReader
  /**
   * KIP-618: the task's control over transaction boundaries, or null unless the worker runs exactly-once
   * source tasks and the connector is configured with `transaction.boundary=connector`.
   */
  transactionContext(): TransactionContext | null
}

/**
 * How a source task defines its own transactions (Kafka Connect's `TransactionContext`), with
 * `transaction.boundary=connector`. Requests take effect when the runtime dispatches records: a
 * request naming a record applies right after that record (the transaction includes it); one without
 * a record applies after the batch the current `poll` returns. An abort drops the transaction's records
 * but still commits the source offsets they carried, so they are not polled again.
 */
export interface TransactionContext {
  /** Commits the open transaction after the records of the current `poll` are dispatched. */
  commitTransaction(): void
  /** Commits the open transaction right after `record` (one returned by `poll`) is dispatched. */
  commitTransaction(record: SourceRecord): void
  /** Aborts the open transaction after the records of the current `poll` are dispatched. */
  abortTransaction(): void
  /** Aborts the open transaction, `record` included, right after `record` is dispatched. */
  abortTransaction(record: SourceRecord): void
}

/** Reports a record that failed after the task received it (KIP-610 `ErrantRecordReporter`). */
export interface ErrantRecordReporter {
  /** Sends `record` with `error` to the dead letter queue / error log per `errors.*` settings. */
  report(record: SinkRecord, error: Error): Promise<void>
}

/** What a sink task may ask of the runtime (Kafka Connect's `SinkTaskContext`). */
export interface SinkTaskContext {
  readonly configs: ConnectorProps
  /** Rewinds consumption of the given partitions to these offsets (next record to read). */
  offset(offsets: readonly TopicPartitionOffset[]): void
  /** After a {@link RetriableError} from put, redeliver the same batch after `timeoutMs`. */
  timeout(timeoutMs: number): void
  /** Partitions currently assigned to this task. */
  assignment(): readonly TopicPartition[]
  /** Stops delivering records from these partitions until {@link resume}. */
  pause(partitions: readonly TopicPartition[]): void
  resume(partitions: readonly TopicPartition[]): void
  /** Asks for an offset commit as soon as possible. */
  requestCommit(): void
  /** The reporter when `errors.tolerance`/DLQ is configured, else null. */
  errantRecordReporter(): ErrantRecordReporter | null
}

/**
 * What waits upstream of a source task, as far as it can tell ({@link SourceTask.backlog}). Either
 * figure may be absent; a figure present is exported as a gauge.
 */
export interface SourceBacklog {
  /** Records not polled yet (a queue's depth, rows behind a cursor). */
  readonly records?: number | undefined
  /** Bytes not polled yet (the rest of a file, binlog bytes behind the server's head). */
  readonly bytes?: number | undefined
}

/**
 * Task side of a source connector (Kafka Connect's `SourceTask`). Runs on the task pool; the runtime
 * calls `initialize` → `start` → `poll`* → `stop`. `poll` should wait no longer than it has to and
 * must return promptly when `signal` aborts.
 */
export abstract class SourceTask {
  #context: SourceTaskContext | undefined

  initialize(context: SourceTaskContext): void {
    this.#context = context
  }

  get context(): SourceTaskContext {
    if (this.#context === undefined) throw new Error('task used before initialize()')
    return this.#context
  }

  abstract version(): string
  abstract start(props: ConnectorProps): void | Promise<void>
  /**
   * Returns the next records, or null/[] when none are available right now. Throw a
   * {@link RetriableError} for transient failures (the runtime retries) and anything else to fail.
   */
  abstract poll(signal: AbortSignal): Promise<SourceRecord[] | null>
  /** Stops the task. May be called while a `poll` is pending (its signal is aborted first). */
  abstract stop(): void | Promise<void>

  /** Called after source offsets have been committed (flushed). */
  commit(): void | Promise<void> {}

  /** Called per record once the broker acknowledged it (metadata null if it was filtered). */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): void {}

  /**
   * Optional (a Sluice extension; Kafka has no such metric): how much data waits upstream, exported as
   * `sluice_source_task_metrics_source_backlog_records` / `…_bytes`. The runtime calls it on the
   * task's thread after every poll that returned records, and about once a second while polls come
   * back empty, so it must be cheap and must not wait: return what the task last learnt (refresh it in
   * the background if it costs I/O). The default, undefined, means "cannot tell" and exports nothing.
   */
  backlog(): SourceBacklog | undefined {
    return undefined
  }
}

/**
 * Task side of a sink connector (Kafka Connect's `SinkTask`). The runtime calls `initialize` →
 * `start` → `open` → (`put` … `preCommit`)* → `close` → `stop`.
 */
export abstract class SinkTask {
  #context: SinkTaskContext | undefined

  initialize(context: SinkTaskContext): void {
    this.#context = context
  }

  get context(): SinkTaskContext {
    if (this.#context === undefined) throw new Error('task used before initialize()')
    return this.#context
  }

  abstract version(): string
  abstract start(props: ConnectorProps): void | Promise<void>
  /** Writes (or buffers) a batch. Throw a {@link RetriableError} to get the batch redelivered. */
  abstract put(records: readonly SinkRecord[], signal: AbortSignal): void | Promise<void>
  abstract stop(): void | Promise<void>

  /** Makes everything `put` so far durable. */
  flush(_currentOffsets: readonly TopicPartitionOffset[]): void | Promise<void> {}

  /**
   * Returns the offsets that are safe to commit. The default flushes and returns `currentOffsets`
   * (Kafka Connect's behaviour).
   */
  async preCommit(currentOffsets: readonly TopicPartitionOffset[]): Promise<readonly TopicPartitionOffset[]> {
    await this.flush(currentOffsets)
    return currentOffsets
  }

  /** Partitions newly assigned to this task. */
  open(_partitions: readonly TopicPartition[]): void | Promise<void> {}
  /** Partitions taken away from this task (flush what belongs to them). */
  close(_partitions: readonly TopicPartition[]): void | Promise<void> {}
}
