import type { MainThreadProfile } from './perf-profile.js'
import type { Summary } from './stats.js'

/** Who ran a measurement: Kafka's perf tools (the raw limit), Java Kafka Connect, or Sluice. */
export type Side = 'raw' | 'java' | 'sluice'

export type Group =
  | 'raw'
  | 'source'
  | 'datagen'
  | 'sink'
  | 'latency'
  | 's3'
  | 'mysql'
  | 'distributed'
  | 'errors'

export const GROUPS: readonly Group[] = [
  'raw',
  'source',
  'datagen',
  'sink',
  'latency',
  's3',
  'mysql',
  'distributed',
  'errors',
]

/**
 * What a run without `--only` measures. `errors` (the error handler's cost, Sluice against itself) is
 * opt-in: it adds eight runs of the source and sink sizes.
 */
export const DEFAULT_GROUPS: readonly Group[] = GROUPS.filter((g) => g !== 'errors')

/** Latency figures of one run at a fixed rate. */
export interface LatencyFigures {
  /** Records per second offered to the pipeline. */
  readonly rate: number
  /** Records whose latency was measured (those sent during the measured window). */
  readonly samples: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** One run of one scenario on one side. */
export interface RunMetrics {
  /** Records the run had to move. */
  readonly records: number
  /** False when the run hit its time limit before all records arrived. */
  readonly complete: boolean
  /** Length of the throughput window (first record seen → last record seen), in seconds. */
  readonly seconds: number
  readonly recordsPerSec: number
  /** Value bytes per second / 1024², as Kafka's perf tools count "MB". */
  readonly mibPerSec: number
  /** CPU seconds of the measured process over the run (see README: what each side's figure covers). */
  readonly cpuSeconds: number
  readonly cpuSecPerMillion: number
  /** CPU µs of the worker's main thread (Kafka I/O) per record; Sluice only. */
  readonly mainThreadUsPerRecord?: number
  /** Broker CPU seconds over the same window (local broker only). */
  readonly brokerCpuSeconds?: number
  readonly peakRssMiB: number
  /** Process start → REST API answering (Connect workers only). */
  readonly restReadyMs?: number
  /** Connector created → first record observed (Connect workers only). */
  readonly firstRecordMs?: number
  readonly latency?: LatencyFigures
  /** Distributed mode: kill -9 of a worker → all its tasks RUNNING on the others (ms). */
  readonly failoverMs?: number
  /** Distributed mode: a joining worker's REST ready → tasks balanced again (ms). */
  readonly joinBalancedMs?: number
  /** Distributed mode: the joining worker's process spawn → balanced (ms). */
  readonly spawnBalancedMs?: number
}

/** The medians and spreads of a scenario's measured runs. */
export interface ScenarioSummary {
  readonly recordsPerSec: Summary
  readonly mibPerSec: Summary
  readonly cpuSecPerMillion: Summary
  readonly peakRssMiB: Summary
  readonly mainThreadUsPerRecord?: Summary
  readonly restReadyMs?: Summary
  readonly latencyP50Ms?: Summary
  readonly latencyP99Ms?: Summary
  readonly latencyMaxMs?: Summary
  readonly failoverMs?: Summary
  readonly joinBalancedMs?: Summary
  readonly spawnBalancedMs?: Summary
}

export interface ScenarioResult {
  /** Stable id, e.g. `source-file`; with `side` it names one row of the table. */
  readonly id: string
  readonly group: Group
  readonly title: string
  readonly side: Side
  readonly params: Readonly<Record<string, string | number>>
  /** Discarded warm-up runs, kept for transparency. */
  readonly warmups: RunMetrics[]
  readonly runs: RunMetrics[]
  summary?: ScenarioSummary
  error?: string
}

/** A ratio line the console and the Markdown print. */
export interface Ratio {
  readonly label: string
  readonly metric: string
  readonly numerator: { id: string; side: Side }
  readonly denominator: { id: string; side: Side }
  readonly value: number
}

export interface ProfileSummary {
  readonly scenario: string
  readonly files: string[]
  readonly totalMs: number
  /** Per thread: how long it was profiled and how much of that it was busy (not idle). */
  readonly threads: Array<{ thread: string; wallMs: number; busyMs: number }>
  readonly top: Array<{ function: string; location: string; thread: string; selfMs: number; pct: number }>
  /** With perf: the main thread's samples in buckets (binding, Sluice JS, GC, loop…). */
  readonly mainThread?: MainThreadProfile
}

export interface BenchResults {
  readonly schema: 'sluice-bench/1'
  readonly startedAt: string
  readonly durationS: number
  readonly mode: 'full' | 'quick'
  readonly machine: Readonly<Record<string, string | number>>
  readonly settings: Readonly<Record<string, unknown>>
  readonly scenarios: ScenarioResult[]
  readonly ratios: Ratio[]
  readonly profile?: ProfileSummary
}
