import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { DiagLogLevel, diag, metrics, trace } from '@opentelemetry/api'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { MetricsBridge } from '@sluice/telemetry'
import { CliError } from './cli-error.js'
import type { CliLogger } from './logger.js'

/**
 * The OpenTelemetry SDK of a Sluice worker process. @sluice/telemetry and the runtime use only the
 * OpenTelemetry API; this is where the application installs what they report to:
 *  - a MeterProvider whose pull reader serves Prometheus text (`GET /metrics` on the REST listeners,
 *    and on `telemetry.metrics.prometheus.listener` when set), with Kafka Connect's metric names;
 *  - OTLP/HTTP (protobuf, the OTLP default; JSON cannot carry Kafka's NaN averages) export of metrics and traces when `telemetry.otlp.endpoint` or the standard `OTEL_*`
 *    variables ask for it (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT`,
 *    `OTEL_TRACES_EXPORTER`/`OTEL_METRICS_EXPORTER` = otlp|none, `OTEL_METRIC_EXPORT_INTERVAL`,
 *    `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SDK_DISABLED`); the exporters read the
 *    remaining `OTEL_EXPORTER_OTLP_*` variables (headers, timeouts) themselves.
 */

/** Worker keys of the telemetry (declared in worker-config.ts). */
export const TELEMETRY_KEYS = {
  prometheusEnable: 'telemetry.metrics.prometheus.enable',
  prometheusListener: 'telemetry.metrics.prometheus.listener',
  otlpEndpoint: 'telemetry.otlp.endpoint',
  otlpMetricsIntervalMs: 'telemetry.otlp.metrics.interval.ms',
  tracesSampleRatio: 'telemetry.traces.sample.ratio',
  tracesSinkContinue: 'telemetry.traces.sink.continue',
} as const

/** A pull reader: collects when Prometheus scrapes. */
class PullReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface TelemetryHandle {
  /** Prometheus text exposition of every metric, or undefined when the endpoint is disabled. */
  readonly prometheus: (() => Promise<string>) | undefined
  /** The separate Prometheus listener's URL, if one was asked for. */
  readonly prometheusUrl: string | undefined
  /** Where OTLP goes, for the startup log (undefined: no OTLP). */
  readonly otlp: { readonly traces: boolean; readonly metrics: boolean }
  readonly bridge: MetricsBridge
  /** Flushes and stops exporters and the listener. */
  stop(): Promise<void>
}

type Env = Readonly<Record<string, string | undefined>>

const has = (v: string | undefined): v is string => v !== undefined && v.trim() !== ''

/** Whether OTLP export of a signal is on, and to which URL when the worker key names it. */
function otlpTarget(
  props: Readonly<Record<string, string>>,
  env: Env,
  signal: 'traces' | 'metrics',
): { on: boolean; url: string | undefined } {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return { on: false, url: undefined }
  const choice = (signal === 'traces' ? env.OTEL_TRACES_EXPORTER : env.OTEL_METRICS_EXPORTER) ?? ''
  const choices = choice
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (choices.includes('none')) return { on: false, url: undefined }
  const key = props[TELEMETRY_KEYS.otlpEndpoint]
  if (has(key)) return { on: true, url: `${key.replace(/\/+$/, '')}/v1/${signal}` }
  const envUrl =
    signal === 'traces' ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT : env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT
  return {
    on: choices.includes('otlp') || has(envUrl) || has(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    url: undefined,
  }
}

function resourceAttributes(env: Env, workerId: string): Record<string, string> {
  const attrs: Record<string, string> = {}
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const i = pair.indexOf('=')
    if (i > 0)
      attrs[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim())
  }
  attrs['service.name'] = env.OTEL_SERVICE_NAME ?? attrs['service.name'] ?? 'sluice'
  attrs['service.instance.id'] ??= workerId
  return attrs
}

/** Parses `http://host:port` of the separate Prometheus listener (exit 2 naming the key). */
function parseListener(value: string): { host: string; port: number } {
  const m = /^http:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(value.trim())
  if (m === null)
    throw new CliError(
      `Invalid value ${value} for configuration ${TELEMETRY_KEYS.prometheusListener}: expected http://host:port, for example http://127.0.0.1:9464`,
      2,
    )
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) }
}

/**
 * Installs the SDK (global MeterProvider and, when traces are exported, TracerProvider) and starts the
 * metrics bridge. Call before the worker is created.
 */
export async function startTelemetry(
  props: Readonly<Record<string, string>>,
  workerId: string,
  env: Env = process.env,
  log?: CliLogger,
): Promise<TelemetryHandle> {
  if (log !== undefined) {
    // The SDK reports failed exports through diag: into the worker log, as warnings.
    const warn = (m: string, ...args: unknown[]): void =>
      log.warn(
        `OpenTelemetry: ${m}${args.length > 0 ? ` ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}` : ''}`,
      )
    diag.setLogger(
      { error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    )
  }
  const resource = resourceFromAttributes(resourceAttributes(env, workerId))
  const prometheusOn = (props[TELEMETRY_KEYS.prometheusEnable] ?? 'true') === 'true'
  const pull = prometheusOn ? new PullReader() : undefined
  const otlpMetrics = otlpTarget(props, env, 'metrics')
  const otlpTraces = otlpTarget(props, env, 'traces')
  const intervalMs = Number(
    props[TELEMETRY_KEYS.otlpMetricsIntervalMs] ?? env.OTEL_METRIC_EXPORT_INTERVAL ?? '60000',
  )
  const readers: MetricReader[] = []
  if (pull !== undefined) readers.push(pull)
  if (otlpMetrics.on)
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(otlpMetrics.url === undefined ? {} : { url: otlpMetrics.url }),
        exportIntervalMillis: intervalMs,
        exportTimeoutMillis: Math.min(30_000, intervalMs),
      }),
    )
  const meterProvider = new MeterProvider({ resource, readers })
  metrics.setGlobalMeterProvider(meterProvider)
  let tracerProvider: TracerProvider | undefined
  if (otlpTraces.on) {
    tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [
        // Bounded: a burst of sampled records drops spans instead of growing a queue.
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter(otlpTraces.url === undefined ? {} : { url: otlpTraces.url }),
          maxQueueSize: 8192,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 1000,
        }),
      ],
    })
    trace.setGlobalTracerProvider(tracerProvider)
  }
  const windowMs = Number(props['metrics.sample.window.ms'] ?? '30000')
  const samples = Number(props['metrics.num.samples'] ?? '2')
  const bridge = new MetricsBridge({
    meter: meterProvider.getMeter('@sluice/telemetry'),
    stats: { windowMs, samples },
  })
  // Without a reader nobody would see the figures: no subscriber, so the runtime publishes nothing.
  if (readers.length > 0) bridge.start()

  // Names exactly as the catalog spells them: no scope labels or target_info, which the JMX exporter has not.
  const serializer = new PrometheusSerializer('', false, undefined, true, true)
  const prometheus =
    pull === undefined
      ? undefined
      : async (): Promise<string> => {
          const { resourceMetrics } = await pull.collect()
          return serializer.serialize(resourceMetrics)
        }

  let server: http.Server | undefined
  let prometheusUrl: string | undefined
  const listener = props[TELEMETRY_KEYS.prometheusListener]
  if (prometheus !== undefined && has(listener)) {
    const { host, port } = parseListener(listener)
    server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end()
        return
      }
      prometheus().then(
        (text) => res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      )
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', (err) =>
        reject(
          new CliError(
            `cannot listen on ${listener} (${TELEMETRY_KEYS.prometheusListener}): ${err.message}`,
            2,
          ),
        ),
      )
      server!.listen(port, host, () => resolve())
    })
    const a = server.address() as AddressInfo
    prometheusUrl = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}/metrics`
  }

  return {
    prometheus,
    prometheusUrl,
    otlp: { traces: otlpTraces.on, metrics: otlpMetrics.on },
    bridge,
    stop: async () => {
      bridge.stop()
      if (server !== undefined) await new Promise<void>((r) => server!.close(() => r()))
      await Promise.allSettled([meterProvider.shutdown(), tracerProvider?.shutdown()])
      metrics.disable()
      trace.disable()
      diag.disable()
    },
  }
}

/** The Prometheus text exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'
