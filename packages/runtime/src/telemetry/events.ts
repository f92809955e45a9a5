/**
 * The runtime's one door to telemetry. Every event the runtime publishes (see @sluice/telemetry's
 * channels) and every record trace goes through a function here, called at a handful of points in the
 * worker, the task proxy and the task actor, each marked `// telemetry:`. Those call sites pass plain
 * figures; this module decides whether anyone listens (diagnostics_channel's hasSubscribers) so the
 * hot path pays nothing when nobody does.
 */
import type { SourceBacklog, SourceTask, TopicPartitionOffset } from '@sluice/api'
import { forEachPacked, INTS_PER_RECORD, type PackedRecords, packedViews } from '@sluice/kafka/packed'
import {
  CHANNELS,
  type ObservedState,
  publish,
  RecordTracer,
  type SinkRecordTrace,
  type SourceRecordTrace,
  TRACEPARENT_HEADER,
} from '@sluice/telemetry'
import type { ErrorCountsDelta } from '../task/error-counts.js'
import type { ConnectorTaskId, StatusListener } from '../worker/worker-api.js'

/** What a source task actor measured for one batch (pool thread; epoch ms). */
export interface SourceBatchStats {
  /** Records poll() returned. */
  readonly polled: number
  readonly pollStart: number
  readonly pollEnd: number
  readonly transformEnd: number
  readonly convertEnd: number
  /** Kafka's task-error-metrics counted while the batch was processed (undefined: none). */
  readonly errors?: ErrorCountsDelta | undefined
  /** What the task reported waiting upstream after the poll ({@link SourceTask.backlog}). */
  readonly backlog?: SourceBacklog | undefined
}

/** What a sink task actor measured for one batch (pool thread; epoch ms). */
export interface SinkBatchStats {
  readonly read: number
  readonly sent: number
  readonly start: number
  readonly convertEnd: number
  readonly transformEnd: number
  readonly putEnd: number
  /** Kafka's task-error-metrics counted while the batch was processed, its DLQ writes included. */
  readonly errors?: ErrorCountsDelta | undefined
}

/** High-resolution wall-clock milliseconds; comparable across threads of one process. */
export const nowMs = (): number => performance.timeOrigin + performance.now()

let tracer: RecordTracer | undefined

/**
 * Reads the worker's telemetry keys (called once by the worker): `telemetry.traces.sample.ratio`
 * (0–1, default 0 = no record is traced) and `telemetry.traces.sink.continue` (default true: a sink
 * continues traces its records carry). Spans go to the global TracerProvider the CLI installs before
 * it creates the worker.
 */
export function configureTelemetry(props: Readonly<Record<string, string>>): void {
  const ratio = Number(props['telemetry.traces.sample.ratio'] ?? '0')
  const cont = (props['telemetry.traces.sink.continue'] ?? 'true') === 'true'
  const t = ratio > 0 || cont ? new RecordTracer({ sampleRatio: ratio, continueSinkTraces: cont }) : undefined
  // Without a tracing SDK (no OTLP traces) no record is sampled and no header is scanned.
  tracer = t?.recording === true ? t : undefined
}

/** Publishes the worker's status changes as telemetry events, then passes them on. */
export function telemetryListener(inner: StatusListener): StatusListener {
  return {
    onConnectorState(connector, state, trace) {
      publish(CHANNELS.connectorState, () => ({ connector, state: state as ObservedState, time: Date.now() }))
      inner.onConnectorState(connector, state, trace)
    },
    onTaskState(id, state, trace) {
      publish(CHANNELS.taskState, () => ({ ...ref(id), state: state as ObservedState, time: Date.now() }))
      inner.onTaskState(id, state, trace)
    },
  }
}

const ref = (id: ConnectorTaskId): { connector: string; task: number } => ({
  connector: id.connector,
  task: id.task,
})

export function connectorStartup(connector: string, ok: boolean): void {
  publish(CHANNELS.connectorStartup, () => ({ connector, ok }))
}

export function connectorRemoved(connector: string): void {
  publish(CHANNELS.connectorRemoved, () => ({ connector }))
}

export function taskStartup(id: ConnectorTaskId, ok: boolean): void {
  publish(CHANNELS.taskStartup, () => ({ ...ref(id), ok }))
}

export function taskRemoved(id: ConnectorTaskId): void {
  publish(CHANNELS.taskRemoved, () => ref(id))
}

/** A produced source batch's telemetry: call `ack` once Kafka acknowledged every record. */
export interface SourceBatchTelemetry {
  /** Delivery report of record `index` (only sampled records ask). */
  readonly traces: ReadonlyMap<number, SourceRecordTrace> | undefined
  ack(records: number, error?: Error): void
}

/**
 * A source batch arrived from the actor: publishes its poll figures and, for sampled records, starts
 * their traces and stamps `traceparent` on them (the header array is the record's own, not shared).
 */
export function sourceBatch(
  id: ConnectorTaskId,
  stats: SourceBatchStats | undefined,
  topics: readonly string[],
  records: PackedRecords,
): SourceBatchTelemetry | undefined {
  if (stats === undefined) return undefined
  const produceStart = nowMs()
  publish(CHANNELS.sourceBatchPolled, () => ({
    ...ref(id),
    polled: stats.polled,
    sent: records.length,
    pollStart: stats.pollStart,
    pollMs: stats.pollEnd - stats.pollStart,
    transformMs: stats.transformEnd - stats.pollEnd,
    convertMs: stats.convertEnd - stats.transformEnd,
  }))
  taskErrors(id, stats.errors)
  if (stats.backlog !== undefined) sourceBacklog(id, stats.backlog)
  let traces: Map<number, SourceRecordTrace> | undefined
  if (tracer !== undefined && tracer.sampleRatio > 0) {
    // The records are packed: the producer stamps each sampled record's traceparent header as it sends
    // it (replacing one the connector set itself: the record's trace starts here).
    const ints = packedViews(records).ints
    for (let i = 0; i < records.length; i++) {
      if (!tracer.sample()) continue
      const t = tracer.startSource(id, topics[ints[i * INTS_PER_RECORD]!]!, stats, produceStart)
      if (t === undefined) break
      traces ??= new Map()
      traces.set(i, t)
    }
  }
  return {
    traces,
    ack: (n, error) => {
      if (error !== undefined) {
        for (const t of traces?.values() ?? []) t.end(error)
        return
      }
      publish(CHANNELS.sourceBatchProduced, () => ({
        ...ref(id),
        records: n,
        polled: stats.polled,
        produceMs: nowMs() - produceStart,
      }))
    },
  }
}

/** Kafka's task-error-metrics of one batch (or of a task's last message), counted on the pool thread. */
export function taskErrors(id: ConnectorTaskId, errors: ErrorCountsDelta | undefined): void {
  if (errors !== undefined) publish(CHANNELS.recordErrors, () => ({ ...ref(id), ...errors }))
}

/** A source task's backlog (records and/or bytes waiting upstream). */
export function sourceBacklog(id: ConnectorTaskId, backlog: SourceBacklog): void {
  publish(CHANNELS.sourceBacklog, () => ({ ...ref(id), records: backlog.records, bytes: backlog.bytes }))
}

/**
 * The task's {@link SourceTask.backlog} (pool thread), never throwing: a failing estimate is no reason
 * to fail the task, and it is only telemetry.
 */
export function readBacklog(task: SourceTask): SourceBacklog | undefined {
  try {
    const b = task.backlog()
    return b === undefined || (b.records === undefined && b.bytes === undefined) ? undefined : b
  } catch {
    return undefined
  }
}

/** Traced records of one sink task waiting for put and commit, bounded. */
export class SinkTraces {
  static readonly MAX_PENDING = 1000
  readonly #byBatch = new Map<number, SinkRecordTrace[]>()
  #awaitingCommit: SinkRecordTrace[] = []

  get size(): number {
    return this.#awaitingCommit.length
  }

  /** Consumed batch: starts a trace for each record carrying a `traceparent` (when continuing is on). */
  read(id: ConnectorTaskId, batch: number, topics: readonly string[], records: PackedRecords): void {
    publish(CHANNELS.sinkBatchRead, () => ({ ...ref(id), records: records.length }))
    if (tracer === undefined || !tracer.continueSinkTraces || records.headerCount === 0) return
    const t0 = tracer
    let found: SinkRecordTrace[] | undefined
    const now = nowMs()
    // Only when continuing traces is on: a walk over the packed batch's headers (no copies).
    forEachPacked(records, (r) => {
      const h = r.headers
      if (h === null) return
      for (let j = 0; j < h.length; j += 2) {
        if (h[j] !== TRACEPARENT_HEADER) continue
        const v = h[j + 1]
        if (v === null || v === undefined) break
        const t = t0.continueSink(
          id,
          v as Uint8Array,
          { topic: topics[r.topic]!, partition: r.partition, offset: r.offset },
          now,
        )
        if (t !== undefined) {
          found ??= []
          found.push(t)
        }
        break
      }
    })
    if (found !== undefined) this.#byBatch.set(batch, found)
  }

  /** The actor finished the batch. */
  put(id: ConnectorTaskId, batch: number, stats: SinkBatchStats | undefined): void {
    if (stats !== undefined) {
      publish(CHANNELS.sinkBatchPut, () => ({
        ...ref(id),
        read: stats.read,
        sent: stats.sent,
        convertMs: stats.convertEnd - stats.start,
        transformMs: stats.transformEnd - stats.convertEnd,
        putMs: stats.putEnd - stats.transformEnd,
      }))
      taskErrors(id, stats.errors)
    }
    const traces = this.#byBatch.get(batch)
    if (traces === undefined) return
    this.#byBatch.delete(batch)
    if (stats !== undefined) for (const t of traces) t.put(stats)
    this.#awaitingCommit.push(...traces)
    // Bounded: the oldest are ended without a commit span rather than kept forever.
    while (this.#awaitingCommit.length > SinkTraces.MAX_PENDING) {
      const t = this.#awaitingCommit.shift()!
      t.committed(nowMs(), nowMs(), 'abandoned')
    }
  }

  /** Offsets were committed: ends the traces of every record below them. */
  committed(offsets: readonly TopicPartitionOffset[], start: number, end: number): void {
    if (this.#awaitingCommit.length === 0) return
    const next = new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]))
    this.#awaitingCommit = this.#awaitingCommit.filter((t) => {
      const c = t.coordinates
      const o = next.get(`${c.topic}\u0000${c.partition}`)
      if (o === undefined || o <= c.offset) return true
      t.committed(start, end)
      return false
    })
  }

  /** The task stops: ends what is pending. */
  close(): void {
    const now = nowMs()
    for (const t of this.#awaitingCommit) t.committed(now, now, 'abandoned')
    this.#awaitingCommit = []
    this.#byBatch.clear()
  }
}

export function offsetCommit(
  id: ConnectorTaskId,
  kind: 'source' | 'sink',
  outcome: 'completed' | 'failed' | 'skipped',
  durationMs: number,
): void {
  publish(CHANNELS.offsetCommit, () => ({ ...ref(id), kind, outcome, durationMs }))
}

export function sinkPartitions(id: ConnectorTaskId, count: number): void {
  publish(CHANNELS.sinkPartitions, () => ({ ...ref(id), count }))
}

/** Publishes lag, computed only if someone listens. */
export function sinkLag(
  id: ConnectorTaskId,
  compute: () => ReadonlyArray<{ topic: string; partition: number; lag: number }>,
): void {
  publish(CHANNELS.sinkLag, () => ({ ...ref(id), partitions: compute() }))
}

/**
 * The distributed herder received an assignment (Kafka's `onAssigned`: the worker-rebalance group's
 * rebalance starts here and lasts until the assigned work is started).
 */
export function rebalanceStarted(generation: number): void {
  publish(CHANNELS.rebalance, () => ({ phase: 'started', time: Date.now(), epoch: generation }))
}

/** The herder started the work of its assignment (Kafka's `handleRebalanceCompleted`). */
export function rebalanceCompleted(generation: number, protocol: string, leaderUrl: string): void {
  publish(CHANNELS.rebalance, () => ({
    phase: 'completed',
    time: Date.now(),
    epoch: generation,
    protocol,
    leader: leaderUrl,
  }))
}
