import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Group, RunMetrics, ScenarioResult, ScenarioSummary, Side } from '../model.js'
import { cpuSeconds, sleep } from '../proc.js'
import type { Sizes } from '../settings.js'
import { summarize } from '../stats.js'
import type { Topics } from '../topics.js'

/** What every scenario gets from the orchestrator. */
export interface Context {
  readonly bootstrap: string
  readonly topics: Topics
  readonly sizes: Sizes
  /** Scratch folder of this benchmark run. */
  readonly workDir: string
  readonly brokerPid: number | undefined
  readonly log: (message: string) => void
}

/** One row of the results: a scenario on one side, run `warmups + reps` times. */
export interface Case {
  readonly id: string
  readonly group: Group
  readonly title: string
  readonly side: Side
  readonly params: Readonly<Record<string, string | number>>
  /** One run; `label` names its scratch folder (e.g. `warmup-1`, `rep-2`). */
  run(label: string): Promise<RunMetrics>
}

/** A fresh scratch folder for one run of one case. */
export function runDir(ctx: Context, c: { id: string; side: Side }, label: string): string {
  const dir = path.join(ctx.workDir, `${c.id}-${c.side}`, label)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Progress of a run towards its target count, as {@link track} observed it. */
export interface Tracked {
  /** `performance.now()` when the first record was seen, or the start if none was seen before done. */
  readonly firstAt: number
  readonly firstCount: number
  readonly doneAt: number
  readonly count: number
  readonly complete: boolean
}

/**
 * Polls `count` every `intervalMs` until it reaches `target` or `timeoutMs` passes. Completion is read
 * from the data itself (end offsets, sink file size), never inferred from sleeping.
 */
export async function track(
  count: () => Promise<number> | number,
  target: number,
  startAt: number,
  timeoutMs: number,
  intervalMs = 50,
): Promise<Tracked> {
  let firstAt = Number.NaN
  let firstCount = 0
  let n = 0
  for (;;) {
    n = await count()
    const now = performance.now()
    if (n > 0 && Number.isNaN(firstAt)) {
      firstAt = now
      firstCount = n
    }
    if (n >= target) return { firstAt, firstCount, doneAt: now, count: n, complete: true }
    if (now - startAt > timeoutMs) {
      return {
        firstAt: Number.isNaN(firstAt) ? startAt : firstAt,
        firstCount,
        doneAt: now,
        count: n,
        complete: false,
      }
    }
    await sleep(intervalMs)
  }
}

/**
 * Records per second of a tracked run. The window starts at the first record seen, so connector and
 * task start-up (reported separately) do not dilute the steady rate; when the first poll already saw
 * most of the records (tiny quick-mode runs) it starts at connector creation instead.
 */
export function rateOf(t: Tracked, startAt: number): { seconds: number; recordsPerSec: number } {
  const fromFirst = t.firstCount < t.count / 2
  const from = fromFirst ? t.firstAt : startAt
  const moved = fromFirst ? t.count - t.firstCount : t.count
  const seconds = Math.max((t.doneAt - from) / 1000, 1e-3)
  return { seconds, recordsPerSec: moved / seconds }
}

/** CPU seconds of the broker so far, when it is the local one. */
export function brokerCpu(ctx: Context): number | undefined {
  return ctx.brokerPid === undefined ? undefined : cpuSeconds(ctx.brokerPid)
}

const MIB = 1024 * 1024

/** Derived per-run figures from the raw measurements. */
export function metrics(m: {
  records: number
  complete: boolean
  seconds: number
  recordsPerSec: number
  recordSize: number
  cpuSeconds: number
  /** CPU of the worker's main thread over the same window (Sluice only). */
  mainThreadCpuSeconds?: number | undefined
  cpuRecords: number
  peakRssBytes: number
  brokerCpuSeconds?: number | undefined
  restReadyMs?: number | undefined
  firstRecordMs?: number | undefined
}): RunMetrics {
  return {
    records: m.records,
    complete: m.complete,
    seconds: round(m.seconds, 3),
    recordsPerSec: Math.round(m.recordsPerSec),
    mibPerSec: round((m.recordsPerSec * m.recordSize) / MIB, 2),
    cpuSeconds: round(m.cpuSeconds, 2),
    cpuSecPerMillion: round(m.cpuRecords > 0 ? (m.cpuSeconds / m.cpuRecords) * 1e6 : Number.NaN, 2),
    ...(m.mainThreadCpuSeconds !== undefined && Number.isFinite(m.mainThreadCpuSeconds) && m.cpuRecords > 0
      ? { mainThreadUsPerRecord: round((m.mainThreadCpuSeconds / m.cpuRecords) * 1e6, 2) }
      : {}),
    ...(m.brokerCpuSeconds !== undefined ? { brokerCpuSeconds: round(m.brokerCpuSeconds, 2) } : {}),
    peakRssMiB: round(m.peakRssBytes / MIB, 1),
    ...(m.restReadyMs !== undefined ? { restReadyMs: Math.round(m.restReadyMs) } : {}),
    ...(m.firstRecordMs !== undefined ? { firstRecordMs: Math.round(m.firstRecordMs) } : {}),
  }
}

export function round(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** The medians and spreads of `runs` (what {@link measureCases} stores as a result's summary). */
export function summaryOf(runs: readonly RunMetrics[]): ScenarioSummary {
  const pick = (f: (r: RunMetrics) => number | undefined) =>
    runs.map(f).filter((x): x is number => x !== undefined)
  const rest = pick((r) => r.restReadyMs)
  const lat = runs.filter((r) => r.latency !== undefined)
  const failover = pick((r) => r.failoverMs)
  const join = pick((r) => r.joinBalancedMs)
  const spawnJoin = pick((r) => r.spawnBalancedMs)
  return {
    ...(failover.length > 0 ? { failoverMs: summarize(failover) } : {}),
    ...(join.length > 0 ? { joinBalancedMs: summarize(join) } : {}),
    ...(spawnJoin.length > 0 ? { spawnBalancedMs: summarize(spawnJoin) } : {}),
    recordsPerSec: summarize(pick((r) => r.recordsPerSec)),
    mibPerSec: summarize(pick((r) => r.mibPerSec)),
    cpuSecPerMillion: summarize(pick((r) => r.cpuSecPerMillion)),
    peakRssMiB: summarize(pick((r) => r.peakRssMiB)),
    mainThreadUsPerRecord: summarize(pick((r) => r.mainThreadUsPerRecord)),
    ...(rest.length > 0 ? { restReadyMs: summarize(rest) } : {}),
    ...(lat.length > 0
      ? {
          latencyP50Ms: summarize(lat.map((r) => r.latency!.p50Ms)),
          latencyP99Ms: summarize(lat.map((r) => r.latency!.p99Ms)),
          latencyMaxMs: summarize(lat.map((r) => r.latency!.maxMs)),
        }
      : {}),
  }
}

/**
 * Runs `cases` with `warmups` discarded rounds and then `reps` measured rounds. Within a round the cases
 * take turns (Java, Sluice, Java, Sluice…) so slow drift of a shared machine hits both sides alike. A case
 * that fails keeps its error and is not run again; the others go on.
 */
export async function measureCases(ctx: Context, cases: readonly Case[]): Promise<ScenarioResult[]> {
  const results = cases.map(
    (c): ScenarioResult => ({
      id: c.id,
      group: c.group,
      title: c.title,
      side: c.side,
      params: c.params,
      warmups: [],
      runs: [],
    }),
  )
  const rounds = [
    ...Array.from({ length: ctx.sizes.warmups }, (_, i) => ({ label: `warmup-${i + 1}`, warm: true })),
    ...Array.from({ length: ctx.sizes.reps }, (_, i) => ({ label: `rep-${i + 1}`, warm: false })),
  ]
  for (const round of rounds) {
    for (const [i, c] of cases.entries()) {
      const r = results[i]!
      if (r.error !== undefined) continue
      ctx.log(`${c.id} [${c.side}] ${round.label}`)
      try {
        const m = await c.run(round.label)
        ;(round.warm ? r.warmups : r.runs).push(m)
        ctx.log(
          `  ${m.recordsPerSec.toLocaleString('en-US')} rec/s, ${m.cpuSecPerMillion} CPU s/M, ` +
            `${m.peakRssMiB} MiB peak RSS${m.restReadyMs !== undefined ? `, REST ready ${m.restReadyMs} ms` : ''}` +
            `${m.latency ? `, p50 ${m.latency.p50Ms} ms p99 ${m.latency.p99Ms} ms max ${m.latency.maxMs} ms` : ''}` +
            `${m.failoverMs !== undefined ? `, failover ${m.failoverMs} ms, join → balanced ${m.joinBalancedMs} ms` : ''}` +
            `${m.complete ? '' : ' (INCOMPLETE: timed out)'}`,
        )
      } catch (err) {
        r.error = (err as Error).message
        ctx.log(`  FAILED: ${r.error.split('\n')[0]}`)
      }
    }
  }
  for (const r of results) if (r.runs.length > 0) r.summary = summaryOf(r.runs)
  return results
}
