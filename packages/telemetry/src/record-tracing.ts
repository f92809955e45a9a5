import {
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api'

/**
 * One trace per record, from the source task's poll to the sink task's commit. A source worker samples
 * records (`telemetry.traces.sample.ratio`, off by default) and stamps each sampled record with a W3C
 * `traceparent` header naming its `send` span; a sink worker that consumes a record with that header
 * continues the trace, whichever worker (Sluice or Java, which keeps headers) produced it. Spans are
 * made on the main thread, after the fact, from the per-batch timestamps the pool thread forwards in
 * its messages: the hot path pays one comparison per record, and the sampled records their spans.
 */

/** Per-batch timestamps of a source batch, measured on the pool thread (epoch ms). */
export interface SourceBatchTimes {
  readonly pollStart: number
  readonly pollEnd: number
  readonly transformEnd: number
  readonly convertEnd: number
}

/** Per-batch timestamps of a sink batch, measured on the pool thread (epoch ms). */
export interface SinkBatchTimes {
  readonly start: number
  readonly convertEnd: number
  readonly transformEnd: number
  readonly putEnd: number
}

/** Where a record is in Kafka. */
export interface RecordCoordinates {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The W3C trace-context `traceparent` of a span context (version 00). */
export function formatTraceparent(sc: SpanContext): string {
  const flags = (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'
  return `00-${sc.traceId}-${sc.spanId}-${flags}`
}

/** The span context a `traceparent` header value names, or undefined when the value is not one. */
export function parseTraceparent(value: string | Uint8Array): SpanContext | undefined {
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('latin1')
  const m = TRACEPARENT.exec(text.trim())
  if (m === null || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true }
}

export const TRACEPARENT_HEADER = 'traceparent'

export interface RecordTracerOptions {
  /** Fraction of source records to trace, 0–1. 0 turns source sampling off. */
  readonly sampleRatio: number
  /** Whether sink tasks continue traces found in record headers. */
  readonly continueSinkTraces: boolean
  /** Defaults to the global TracerProvider's tracer `@sluice/telemetry`. */
  readonly tracer?: Tracer
  /** Uniform [0, 1) numbers; Math.random by default (tests inject their own). */
  readonly random?: () => number
}

/** The spans of one sampled source record until its acknowledgement. */
export class SourceRecordTrace {
  readonly #root: Span
  readonly #send: Span
  /** The `traceparent` value to stamp on the record. */
  readonly traceparent: string

  constructor(root: Span, send: Span) {
    this.#root = root
    this.#send = send
    this.traceparent = formatTraceparent(send.spanContext())
  }

  /**
   * Kafka acknowledged (or rejected) the record: its coordinates when its own delivery report gave
   * them, undefined when only its batch's acknowledgement did (the batch produce path).
   */
  end(
    result: RecordCoordinates | Error | undefined,
    time = performance.timeOrigin + performance.now(),
  ): void {
    if (result === undefined) {
      // acknowledged; the sink's process span carries the offset
    } else if (result instanceof Error) {
      this.#send.recordException(result)
      this.#send.setStatus({ code: SpanStatusCode.ERROR, message: result.message })
      this.#root.setStatus({ code: SpanStatusCode.ERROR, message: result.message })
    } else {
      const attrs = {
        'messaging.destination.partition.id': String(result.partition),
        'messaging.kafka.offset': result.offset,
      }
      this.#send.setAttributes(attrs)
      this.#root.setAttributes(attrs)
    }
    this.#send.end(time)
    this.#root.end(time)
  }
}

/** The spans of one traced record in a sink task until its offset is committed. */
export class SinkRecordTrace {
  readonly coordinates: RecordCoordinates
  readonly #tracer: Tracer
  readonly #root: Span
  #ended = false

  constructor(tracer: Tracer, root: Span, coordinates: RecordCoordinates) {
    this.#tracer = tracer
    this.#root = root
    this.coordinates = coordinates
  }

  /** The batch was converted, transformed and put (or failed); spans from the pool thread's times. */
  put(times: SinkBatchTimes, error?: Error): void {
    const ctx = trace.setSpan(context.active(), this.#root)
    const child = (name: string, start: number): Span =>
      this.#tracer.startSpan(name, { startTime: start, kind: SpanKind.INTERNAL }, ctx)
    child('convert', times.start).end(times.convertEnd)
    child('transform', times.convertEnd).end(times.transformEnd)
    const put = child('put', times.transformEnd)
    if (error !== undefined) {
      put.recordException(error)
      put.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
    }
    put.end(times.putEnd)
  }

  /** The record's offset was committed to the consumer group (or the trace is given up). */
  committed(start: number, end: number, outcome: 'committed' | 'abandoned' = 'committed'): void {
    if (this.#ended) return
    this.#ended = true
    if (outcome === 'committed') {
      const ctx = trace.setSpan(context.active(), this.#root)
      this.#tracer
        .startSpan(
          'commit',
          { startTime: start, kind: SpanKind.CLIENT, attributes: { 'messaging.operation.type': 'settle' } },
          ctx,
        )
        .end(end)
    } else {
      this.#root.setAttribute('sluice.commit', 'not observed')
    }
    this.#root.end(end)
  }
}

/** Samples, stamps and continues record traces; one per worker. */
export class RecordTracer {
  readonly sampleRatio: number
  readonly continueSinkTraces: boolean
  /** Whether a tracing SDK records spans (false with the API's no-op tracer: nothing to do at all). */
  readonly recording: boolean
  readonly #tracer: Tracer
  readonly #random: () => number

  constructor(options: RecordTracerOptions) {
    if (!(options.sampleRatio >= 0 && options.sampleRatio <= 1))
      throw new RangeError(`sample ratio ${options.sampleRatio} is not between 0 and 1`)
    this.sampleRatio = options.sampleRatio
    this.continueSinkTraces = options.continueSinkTraces
    this.#tracer = options.tracer ?? trace.getTracer('@sluice/telemetry')
    this.#random = options.random ?? Math.random
    // A probe that is never ended, so never exported: is there an SDK behind the API?
    this.recording = this.#tracer.startSpan('sluice.probe', { root: true }).isRecording()
  }

  /** Whether this record is to be traced (one call per source record while sampling is on). */
  sample(): boolean {
    return this.sampleRatio > 0 && this.#random() < this.sampleRatio
  }

  /**
   * Starts the spans of a sampled source record: a `<topic> create` root from poll start, with
   * `poll`, `transform` and `convert` children from the pool thread's batch times and a `send` span
   * from now until Kafka's acknowledgement; the record's `traceparent` names the `send` span.
   */
  startSource(
    task: { readonly connector: string; readonly task: number },
    topic: string,
    times: SourceBatchTimes,
    now = performance.timeOrigin + performance.now(),
  ): SourceRecordTrace | undefined {
    const t = this.#tracer
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'sluice.connector': task.connector,
      'sluice.task': task.task,
    }
    const root = t.startSpan(
      `create ${topic}`,
      {
        startTime: times.pollStart,
        kind: SpanKind.PRODUCER,
        attributes: { ...attributes, 'messaging.operation.type': 'create' },
        root: true,
      },
      context.active(),
    )
    const ctx = trace.setSpan(context.active(), root)
    t.startSpan('poll', { startTime: times.pollStart, attributes }, ctx).end(times.pollEnd)
    t.startSpan('transform', { startTime: times.pollEnd }, ctx).end(times.transformEnd)
    t.startSpan('convert', { startTime: times.transformEnd }, ctx).end(times.convertEnd)
    const send = t.startSpan(
      `send ${topic}`,
      {
        startTime: Math.min(times.convertEnd, now),
        kind: SpanKind.PRODUCER,
        attributes: { ...attributes, 'messaging.operation.type': 'send' },
      },
      ctx,
    )
    if (!isSpanContextValid(send.spanContext())) {
      // No tracing SDK installed (the API's no-op tracer): nothing to stamp that a sink could continue.
      root.end()
      return undefined
    }
    return new SourceRecordTrace(root, send)
  }

  /**
   * Continues the trace of a consumed record whose `traceparent` header is `header`: a `process
   * <topic>` CONSUMER span, child of the producer's `send` span, from now until the commit.
   */
  continueSink(
    task: { readonly connector: string; readonly task: number },
    header: string | Uint8Array,
    coordinates: RecordCoordinates,
    now = performance.timeOrigin + performance.now(),
  ): SinkRecordTrace | undefined {
    const parent = parseTraceparent(header)
    if (parent === undefined) return undefined
    const ctx = trace.setSpanContext(context.active(), parent)
    const root = this.#tracer.startSpan(
      `process ${coordinates.topic}`,
      {
        startTime: now,
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': coordinates.topic,
          'messaging.destination.partition.id': String(coordinates.partition),
          'messaging.kafka.offset': coordinates.offset,
          'messaging.consumer.group.name': `connect-${task.connector}`,
          'sluice.connector': task.connector,
          'sluice.task': task.task,
        },
      },
      ctx,
    )
    const ctxRoot = trace.setSpan(context.active(), root)
    this.#tracer.startSpan('consume', { startTime: now, kind: SpanKind.CLIENT }, ctxRoot).end(now)
    return new SinkRecordTrace(this.#tracer, root, coordinates)
  }
}
