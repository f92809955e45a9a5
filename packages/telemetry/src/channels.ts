/**
 * The telemetry contract: the `node:diagnostics_channel` channels the runtime publishes on, and the
 * payload of each. Anyone may subscribe (the OpenTelemetry bridge of this package, a test, an APM
 * agent); publishing costs nothing while nobody does. Events are per *batch*, never per record, so the
 * hot path pays one object per batch. Figures measured on a pool thread travel to the main thread
 * inside the messages the task actor already sends, and are published there.
 *
 * Times are wall-clock milliseconds (`Date.now()`-based, fractional allowed), durations milliseconds.
 */
import diagnosticsChannel from 'node:diagnostics_channel'

/** Channel names; stable, part of the public contract. */
export const CHANNELS = {
  /** A task changed state ({@link TaskStateEvent}). */
  taskState: 'sluice:task.state',
  /** A task start attempt ended ({@link StartupEvent}). */
  taskStartup: 'sluice:task.startup',
  /** A task is gone from this worker; its metric groups are removed ({@link TaskRemovedEvent}). */
  taskRemoved: 'sluice:task.removed',
  /** A connector changed state ({@link ConnectorStateEvent}). */
  connectorState: 'sluice:connector.state',
  /** A connector start attempt ended ({@link StartupEvent}). */
  connectorStartup: 'sluice:connector.startup',
  /** A connector is gone from this worker ({@link ConnectorRemovedEvent}). */
  connectorRemoved: 'sluice:connector.removed',
  /** A source task's poll returned a batch, converted and transformed ({@link SourceBatchPolledEvent}). */
  sourceBatchPolled: 'sluice:source.batch.polled',
  /** Every record of a source batch was acknowledged by Kafka ({@link SourceBatchProducedEvent}). */
  sourceBatchProduced: 'sluice:source.batch.produced',
  /** A sink task's consumer handed a batch to the task ({@link SinkBatchReadEvent}). */
  sinkBatchRead: 'sluice:sink.batch.read',
  /** A sink batch was converted, transformed and put ({@link SinkBatchPutEvent}). */
  sinkBatchPut: 'sluice:sink.batch.put',
  /** An offset commit ended, successfully, failed or skipped ({@link OffsetCommitEvent}). */
  offsetCommit: 'sluice:offset.commit',
  /**
   * What a task's error handler (KIP-298) counted during one batch, dead letter queue writes included
   * ({@link RecordErrorEvent}); published only for batches that had any.
   */
  recordErrors: 'sluice:record.errors',
  /** A group rebalance started or completed ({@link RebalanceEvent}). */
  rebalance: 'sluice:rebalance',
  /** Consumer lag of a sink task's partitions ({@link SinkLagEvent}). */
  sinkLag: 'sluice:sink.lag',
  /** A source task told what waits upstream ({@link SourceBacklogEvent}). */
  sourceBacklog: 'sluice:source.backlog',
  /** A sink task's assignment changed ({@link SinkPartitionsEvent}). */
  sinkPartitions: 'sluice:sink.partitions',
} as const

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS]

/** Kafka's tags of the task groups. */
export interface TaskRef {
  readonly connector: string
  readonly task: number
}

/** Observed states, as Kafka Connect's status store names them. */
export type ObservedState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED'

export interface TaskStateEvent extends TaskRef {
  readonly state: ObservedState
  readonly time: number
}

export interface TaskRemovedEvent extends TaskRef {}

export interface ConnectorStateEvent {
  readonly connector: string
  readonly state: ObservedState
  /** 'source' | 'sink' where known. */
  readonly type?: 'source' | 'sink' | undefined
  readonly time: number
}

export interface ConnectorRemovedEvent {
  readonly connector: string
}

export interface StartupEvent {
  readonly connector: string
  /** Absent for a connector. */
  readonly task?: number | undefined
  readonly ok: boolean
}

export interface SourceBatchPolledEvent extends TaskRef {
  /** Records `poll()` returned. */
  readonly polled: number
  /** Records handed to the producer (after transforms dropped or errors skipped some). */
  readonly sent: number
  /** When the poll began and how long it took. */
  readonly pollStart: number
  readonly pollMs: number
  /** Time spent in the transform chain and in the converters for the whole batch. */
  readonly transformMs: number
  readonly convertMs: number
}

export interface SourceBatchProducedEvent extends TaskRef {
  /** Records acknowledged by Kafka. */
  readonly records: number
  /** Records of the batch that `poll()` returned (the active-count decrement). */
  readonly polled: number
  /** From the first `produce()` call of the batch to the last acknowledgement. */
  readonly produceMs: number
}

export interface SinkBatchReadEvent extends TaskRef {
  readonly records: number
}

export interface SinkBatchPutEvent extends TaskRef {
  /** Records consumed in the batch. */
  readonly read: number
  /** Records given to `put()` (after transforms dropped or errors skipped some). */
  readonly sent: number
  readonly convertMs: number
  readonly transformMs: number
  /** Duration of the `put()` call that succeeded (retries excluded; they are counted as retries). */
  readonly putMs: number
}

export interface OffsetCommitEvent extends TaskRef {
  readonly kind: 'source' | 'sink'
  /** 'completed': offsets committed; 'failed': the commit failed; 'skipped': nothing to commit. */
  readonly outcome: 'completed' | 'failed' | 'skipped'
  readonly durationMs: number
}

/**
 * Kafka's task-error-metrics of one batch, as increments (Kafka's RetryWithToleranceOperator counts
 * the same way: a failure per failed attempt, an error per record that ended in error).
 */
export interface RecordErrorEvent extends TaskRef {
  /** Failed attempts of an operation, retries included (`total-record-failures`). */
  readonly failures: number
  /** Records whose processing ended in error, tolerated or not (`total-record-errors`). */
  readonly errors: number
  /** Records skipped because `errors.tolerance=all` (`total-records-skipped`). */
  readonly skipped: number
  /** Retries of failed operations (`total-retries`). */
  readonly retries: number
  /** Errors written to the log, `errors.log.enable` (`total-errors-logged`). */
  readonly logged: number
  /** Records sent to the dead letter queue (`deadletterqueue-produce-requests`). */
  readonly dlqRequests: number
  /** Dead letter queue writes that failed (`deadletterqueue-produce-failures`). */
  readonly dlqFailures: number
  /** Epoch ms of the batch's last failure, 0 when it had none (`last-error-timestamp`). */
  readonly lastErrorTime: number
}

export interface RebalanceEvent {
  readonly phase: 'started' | 'completed'
  readonly time: number
  readonly epoch?: number | undefined
  readonly protocol?: string | undefined
  readonly leader?: string | undefined
}

export interface SinkLagEvent extends TaskRef {
  readonly partitions: ReadonlyArray<{
    readonly topic: string
    readonly partition: number
    readonly lag: number
  }>
}

export interface SourceBacklogEvent extends TaskRef {
  /** Records waiting upstream, if the task counts them. */
  readonly records?: number | undefined
  /** Bytes waiting upstream, if the task measures them. */
  readonly bytes?: number | undefined
}

export interface SinkPartitionsEvent extends TaskRef {
  readonly count: number
}

/** The payload of each channel. */
export interface ChannelPayloads {
  'sluice:task.state': TaskStateEvent
  'sluice:task.startup': StartupEvent
  'sluice:task.removed': TaskRemovedEvent
  'sluice:connector.state': ConnectorStateEvent
  'sluice:connector.startup': StartupEvent
  'sluice:connector.removed': ConnectorRemovedEvent
  'sluice:source.batch.polled': SourceBatchPolledEvent
  'sluice:source.batch.produced': SourceBatchProducedEvent
  'sluice:sink.batch.read': SinkBatchReadEvent
  'sluice:sink.batch.put': SinkBatchPutEvent
  'sluice:offset.commit': OffsetCommitEvent
  'sluice:record.errors': RecordErrorEvent
  'sluice:rebalance': RebalanceEvent
  'sluice:sink.lag': SinkLagEvent
  'sluice:source.backlog': SourceBacklogEvent
  'sluice:sink.partitions': SinkPartitionsEvent
}

/** A typed channel. */
export interface TypedChannel<N extends ChannelName> {
  readonly name: N
  readonly hasSubscribers: boolean
  publish(message: ChannelPayloads[N]): void
  subscribe(handler: (message: ChannelPayloads[N]) => void): void
  unsubscribe(handler: (message: ChannelPayloads[N]) => void): void
}

/** The channel of that name (the same object on every call, as diagnostics_channel guarantees). */
export function channel<N extends ChannelName>(name: N): TypedChannel<N> {
  const ch = diagnosticsChannel.channel(name)
  return {
    name,
    get hasSubscribers() {
      return ch.hasSubscribers
    },
    publish: (m) => ch.publish(m),
    subscribe: (h) => diagnosticsChannel.subscribe(name, h as (m: unknown) => void),
    unsubscribe: (h) => {
      diagnosticsChannel.unsubscribe(name, h as (m: unknown) => void)
    },
  }
}

/** Publishes only when someone listens: the payload is built only then. */
export function publish<N extends ChannelName>(name: N, build: () => ChannelPayloads[N]): void {
  const ch = diagnosticsChannel.channel(name)
  if (ch.hasSubscribers) ch.publish(build())
}
