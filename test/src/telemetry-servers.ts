import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from './broker.js'

/** A running Prometheus server (scripts/lib/telemetry-servers.mjs). */
export interface PrometheusServer {
  readonly url: string
  readonly logFile: string
  query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>
  targets(): Promise<Array<{ health: string; lastError: string; scrapeUrl: string }>>
  stop(): Promise<void>
}

/** A span as the collector's debug exporter printed it. */
export interface DebugSpan {
  readonly traceId: string
  readonly parentId: string
  readonly id: string
  readonly name: string
  readonly kind: string
  readonly attributes: Readonly<Record<string, string>>
  /** `service.instance.id` of the process that sent it (a Sluice worker's id). */
  readonly instance: string
}

/** A running OpenTelemetry Collector with an OTLP/HTTP receiver. */
export interface OtelCollector {
  readonly endpoint: string
  readonly logFile: string
  spans(): DebugSpan[]
  log(): string
  stop(): Promise<void>
}

interface ServersModule {
  startPrometheus(o: { targets: string[]; intervalMs?: number }): Promise<PrometheusServer>
  startOtelcol(o?: { name?: string }): Promise<OtelCollector>
  freePort(): Promise<number>
}

/** The project's script library for the telemetry servers (installs/builds them when missing). */
export async function telemetryServers(): Promise<ServersModule> {
  const file = path.join(repoRoot, 'scripts', 'lib', 'telemetry-servers.mjs')
  return (await import(pathToFileURL(file).href)) as ServersModule
}
