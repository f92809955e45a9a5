import {
  type Attributes,
  type BatchObservableResult,
  type Histogram,
  type Meter,
  metrics,
  type Observable,
} from '@opentelemetry/api'
import { CATALOG, otelName, STAGE_HISTOGRAM, type Stage } from './catalog.js'
import { CHANNELS, type ChannelName, type ChannelPayloads, channel } from './channels.js'
import { ConnectMetrics } from './connect-metrics.js'
import { DEFAULT_STAT_CONFIG, type StatConfig } from './kafka-stats.js'

export interface MetricsBridgeOptions {
  /** Defaults to the global MeterProvider's meter `@sluice/telemetry` (a no-op until the app installs an SDK). */
  readonly meter?: Meter
  /** `metrics.sample.window.ms`, `metrics.num.samples` and the clock. */
  readonly stats?: Partial<StatConfig>
}

type Handlers = { [N in ChannelName]?: (m: ChannelPayloads[N]) => void }

/**
 * Turns the runtime's telemetry events into OpenTelemetry metrics with Kafka Connect's names. It uses
 * only `@opentelemetry/api`: the application owns the SDK (readers, exporters, resource). Kafka's
 * windowed figures are kept in a {@link ConnectMetrics} and observed in one batch callback when a
 * reader collects; the per-stage latency is a histogram recorded once per batch.
 */
export class MetricsBridge {
  readonly metrics: ConnectMetrics
  readonly #meter: Meter
  readonly #stage: Histogram
  readonly #handlers: Handlers
  readonly #instruments = new Map<string, Observable>()
  readonly #callback: (r: BatchObservableResult) => void
  #started = false

  constructor(options: MetricsBridgeOptions = {}) {
    const cfg: StatConfig = { ...DEFAULT_STAT_CONFIG, ...options.stats }
    this.metrics = new ConnectMetrics(cfg)
    this.#meter = options.meter ?? metrics.getMeter('@sluice/telemetry')
    for (const spec of CATALOG) {
      const name = otelName(spec)
      const opts = { description: spec.description }
      this.#instruments.set(
        `${spec.group}/${spec.name}`,
        spec.kind === 'counter'
          ? this.#meter.createObservableCounter(name, opts)
          : this.#meter.createObservableGauge(name, opts),
      )
    }
    this.#stage = this.#meter.createHistogram(STAGE_HISTOGRAM.name, {
      description: STAGE_HISTOGRAM.description,
      unit: STAGE_HISTOGRAM.unit,
      advice: { explicitBucketBoundaries: [...STAGE_HISTOGRAM.buckets] },
    })
    this.#callback = (result) => {
      this.metrics.collect((group, name, tags, value) => {
        const instrument = this.#instruments.get(`${group}/${name}`)
        // Every emitted name is in the catalog (a unit test holds the two together).
        if (instrument !== undefined) result.observe(instrument, value, tags as Attributes)
      })
    }
    const m = this.metrics
    const stage = (ref: { connector: string; task: number }, s: Stage, ms: number): void =>
      this.#stage.record(ms, { connector: ref.connector, task: String(ref.task), stage: s })
    this.#handlers = {
      [CHANNELS.taskState]: (e) => m.taskState(e),
      [CHANNELS.taskRemoved]: (e) => m.taskRemoved(e),
      [CHANNELS.taskStartup]: (e) => m.startup(e),
      [CHANNELS.connectorStartup]: (e) => m.startup(e),
      [CHANNELS.connectorState]: (e) => m.connectorState(e),
      [CHANNELS.connectorRemoved]: (e) => m.connectorRemoved(e.connector),
      [CHANNELS.sourceBatchPolled]: (e) => {
        m.sourcePolled(e)
        stage(e, 'poll', e.pollMs)
        stage(e, 'transform', e.transformMs)
        stage(e, 'convert', e.convertMs)
      },
      [CHANNELS.sourceBatchProduced]: (e) => {
        m.sourceProduced(e)
        stage(e, 'produce', e.produceMs)
      },
      [CHANNELS.sinkBatchRead]: (e) => m.sinkRead(e),
      [CHANNELS.sinkBatchPut]: (e) => {
        m.sinkPut(e)
        stage(e, 'convert', e.convertMs)
        stage(e, 'transform', e.transformMs)
        stage(e, 'put', e.putMs)
      },
      [CHANNELS.offsetCommit]: (e) => {
        m.offsetCommit(e)
        if (e.outcome !== 'skipped') stage(e, 'commit', e.durationMs)
      },
      [CHANNELS.recordErrors]: (e) => m.recordErrors(e),
      [CHANNELS.rebalance]: (e) => m.rebalance(e),
      [CHANNELS.sinkLag]: (e) => m.sinkLag(e),
      [CHANNELS.sinkPartitions]: (e) => m.sinkPartitions(e),
      [CHANNELS.sourceBacklog]: (e) => m.sourceBacklog(e),
    }
  }

  /** Subscribes to every channel and registers the observation callback. */
  start(): this {
    if (this.#started) return this
    this.#started = true
    for (const [name, h] of Object.entries(this.#handlers))
      channel(name as ChannelName).subscribe(h as (m: unknown) => void)
    this.#meter.addBatchObservableCallback(this.#callback, [...this.#instruments.values()])
    return this
  }

  stop(): void {
    if (!this.#started) return
    this.#started = false
    for (const [name, h] of Object.entries(this.#handlers))
      channel(name as ChannelName).unsubscribe(h as (m: unknown) => void)
    this.#meter.removeBatchObservableCallback(this.#callback, [...this.#instruments.values()])
  }
}
