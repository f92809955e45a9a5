import type { BenchResults, Ratio, ScenarioResult, Side } from './model.js'
import type { Summary } from './stats.js'

type Metric =
  | 'recordsPerSec'
  | 'cpuSecPerMillion'
  | 'peakRssMiB'
  | 'restReadyMs'
  | 'latencyP50Ms'
  | 'latencyP99Ms'
  | 'failoverMs'
  | 'spawnBalancedMs'

function find(results: readonly ScenarioResult[], id: string, side: Side): ScenarioResult | undefined {
  return results.find((r) => r.id === id && r.side === side)
}

function med(r: ScenarioResult | undefined, metric: Metric): number | undefined {
  const s = r?.summary?.[metric]
  return s !== undefined && Number.isFinite(s.median) ? s.median : undefined
}

/** The ratios the console prints: Sluice/Java per metric, and Sluice/raw (and Java/raw) for throughput. */
export function computeRatios(results: readonly ScenarioResult[]): Ratio[] {
  const out: Ratio[] = []
  const add = (
    label: string,
    metric: Metric,
    num: { id: string; side: Side },
    den: { id: string; side: Side },
  ) => {
    const a = med(find(results, num.id, num.side), metric)
    const b = med(find(results, den.id, den.side), metric)
    if (a !== undefined && b !== undefined && b !== 0)
      out.push({ label, metric, numerator: num, denominator: den, value: a / b })
  }
  for (const id of ['source-file', 'sink-file', 'sink-file-1k']) {
    const s = { id, side: 'sluice' as const }
    const j = { id, side: 'java' as const }
    add(`${id} Sluice/Java records/s`, 'recordsPerSec', s, j)
    add(`${id} Sluice/Java CPU s per M records`, 'cpuSecPerMillion', s, j)
    add(`${id} Sluice/Java peak RSS`, 'peakRssMiB', s, j)
    add(`${id} Sluice/Java start → REST ready`, 'restReadyMs', s, j)
  }
  for (const id of ['mysql-snapshot', 'mysql-streaming']) {
    const s = { id, side: 'sluice' as const }
    const j = { id, side: 'java' as const }
    add(`${id} Sluice/Debezium records/s`, 'recordsPerSec', s, j)
    add(`${id} Sluice/Debezium CPU s per M records`, 'cpuSecPerMillion', s, j)
    add(`${id} Sluice/Debezium peak RSS`, 'peakRssMiB', s, j)
  }
  for (const id of ['latency-file', 'latency-sink']) {
    const s = { id, side: 'sluice' as const }
    const j = { id, side: 'java' as const }
    add(`${id} Sluice/Java p50`, 'latencyP50Ms', s, j)
    add(`${id} Sluice/Java p99`, 'latencyP99Ms', s, j)
  }
  add(
    'distributed-failover Sluice/Java kill -9 → RUNNING elsewhere',
    'failoverMs',
    { id: 'distributed-failover', side: 'sluice' },
    { id: 'distributed-failover', side: 'java' },
  )
  // Spawn → balanced, not REST ready → balanced: Java's /health answers 200 only once the worker has
  // joined and started its assignment, Sluice's as soon as its herder started (before the first join).
  add(
    'distributed-failover Sluice/Java new worker spawn → balanced',
    'spawnBalancedMs',
    { id: 'distributed-failover', side: 'sluice' },
    { id: 'distributed-failover', side: 'java' },
  )
  add(
    'distributed-sink 2 processes / 1 process records/s',
    'recordsPerSec',
    { id: 'distributed-sink-2w', side: 'sluice' },
    { id: 'distributed-sink-1w', side: 'sluice' },
  )
  add(
    'distributed-sink 2 processes / 1 process CPU s per M records',
    'cpuSecPerMillion',
    { id: 'distributed-sink-2w', side: 'sluice' },
    { id: 'distributed-sink-1w', side: 'sluice' },
  )
  const raw100 = { id: 'raw-produce-100', side: 'raw' as const }
  const raw100p4 = { id: 'raw-produce-100-p4', side: 'raw' as const }
  const rawConsume = { id: 'raw-consume-100', side: 'raw' as const }
  add('source-file Sluice/raw records/s', 'recordsPerSec', { id: 'source-file', side: 'sluice' }, raw100)
  add('source-file Java/raw records/s', 'recordsPerSec', { id: 'source-file', side: 'java' }, raw100)
  add(
    'source-datagen-1 Sluice/raw records/s',
    'recordsPerSec',
    { id: 'source-datagen-1', side: 'sluice' },
    raw100p4,
  )
  add(
    'source-datagen-4 Sluice/raw records/s',
    'recordsPerSec',
    { id: 'source-datagen-4', side: 'sluice' },
    raw100p4,
  )
  add('sink-file Sluice/raw records/s', 'recordsPerSec', { id: 'sink-file', side: 'sluice' }, rawConsume)
  add('sink-file Java/raw records/s', 'recordsPerSec', { id: 'sink-file', side: 'java' }, rawConsume)
  return out
}

const int = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US')
const fix = (x: number | undefined, d = 1): string =>
  x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d)
const spread = (s: Summary | undefined): string =>
  s === undefined || !Number.isFinite(s.spreadPct) || s.n < 2 ? '–' : `${s.spreadPct.toFixed(0)} %`

function runsCell(r: ScenarioResult): string {
  if (r.error !== undefined) return 'FAILED'
  const incomplete = r.runs.filter((m) => !m.complete).length
  return `${r.runs.length}${incomplete > 0 ? ` (${incomplete} incomplete)` : ''}`
}

/** The Markdown report: machine, throughput table, latency table, ratios, profile, failures. */
export function markdown(res: BenchResults): string {
  const L: string[] = []
  const m = res.machine
  L.push(`# Sluice benchmark results (${res.mode} run)`, '')
  L.push(
    `Run ${res.startedAt}, ${Math.round(res.durationS)} s. Machine: ${m.cores} cores (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ${m.java}; Kafka ${m.kafka}; librdkafka ${m.librdkafka}; ` +
      `Sluice ${m.sluiceCommit}; load average at start ${m.loadAverage1mAtStart}.`,
    '',
    'Medians of the measured runs (warm-up runs discarded); spread = (max − min) / median. ' +
      'See benchmarks/README.md for what each figure covers and the fairness rules.',
    '',
  )
  const thr = res.scenarios.filter((r) => r.group !== 'latency' && r.id !== 'distributed-failover')
  if (thr.length > 0) {
    L.push('## Throughput', '')
    L.push(
      '| scenario | side | records/s | spread | MiB/s | CPU s / M records | main-thread µs / record | peak RSS MiB | start → REST ms | runs |',
      '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    )
    for (const r of thr) {
      const s = r.summary
      L.push(
        `| ${r.title} | ${r.side} | ${int(s?.recordsPerSec.median)} | ${spread(s?.recordsPerSec)} | ` +
          `${fix(s?.mibPerSec.median, 2)} | ${fix(s?.cpuSecPerMillion.median, 2)} | ` +
          `${fix(s?.mainThreadUsPerRecord?.median, 2)} | ${fix(s?.peakRssMiB.median)} | ` +
          `${int(s?.restReadyMs?.median)} | ${runsCell(r)} |`,
      )
    }
    L.push('')
  }
  const lat = res.scenarios.filter((r) => r.group === 'latency')
  if (lat.length > 0) {
    L.push('## End-to-end latency', '')
    L.push(
      '| scenario | side | rate rec/s | p50 ms | p99 ms | max ms | p99 spread | CPU s / M records | peak RSS MiB | start → REST ms | runs |',
      '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    )
    for (const r of lat) {
      const s = r.summary
      L.push(
        `| ${r.title} | ${r.side} | ${int(Number(r.params.rate))} | ${fix(s?.latencyP50Ms?.median)} | ` +
          `${fix(s?.latencyP99Ms?.median)} | ${fix(s?.latencyMaxMs?.median)} | ${spread(s?.latencyP99Ms)} | ` +
          `${fix(s?.cpuSecPerMillion.median, 2)} | ${fix(s?.peakRssMiB.median)} | ${int(s?.restReadyMs?.median)} | ${runsCell(r)} |`,
      )
    }
    L.push('')
  }
  const dist = res.scenarios.filter((r) => r.id === 'distributed-failover')
  if (dist.length > 0) {
    L.push('## Distributed mode: failover and join', '')
    L.push(
      '| scenario | side | kill -9 → RUNNING elsewhere ms | spread | join (REST ready) → balanced ms | spawn → balanced ms | runs |',
      '|---|---|--:|--:|--:|--:|--:|',
    )
    for (const r of dist) {
      const s = r.summary
      L.push(
        `| ${r.title} | ${r.side} | ${int(s?.failoverMs?.median)} | ${spread(s?.failoverMs)} | ` +
          `${int(s?.joinBalancedMs?.median)} | ${int(s?.spawnBalancedMs?.median)} | ${runsCell(r)} |`,
      )
    }
    L.push('')
  }
  if (res.ratios.length > 0) {
    L.push('## Ratios (medians)', '', '| ratio | value |', '|---|--:|')
    for (const q of res.ratios) L.push(`| ${q.label} | ${q.value.toFixed(2)} |`)
    L.push('')
  }
  const mt = res.profile?.mainThread
  if (res.profile !== undefined && mt !== undefined) {
    L.push(
      `## Main-thread profile of the Sluice worker (perf): ${res.profile.scenario}`,
      '',
      `${mt.samples} samples of the main thread (Kafka I/O) at 999 Hz; µs/record = share × the run's main-thread CPU per record.`,
      '',
      '| bucket | samples | share | µs / record |',
      '|---|--:|--:|--:|',
    )
    for (const b of mt.buckets)
      L.push(`| ${b.bucket} | ${b.samples} | ${b.pct.toFixed(1)} % | ${fix(b.usPerRecord, 2)} |`)
    L.push('', '| leaf symbol | bucket | share |', '|---|---|--:|')
    for (const t of mt.top)
      L.push(`| ${t.symbol.replaceAll('|', '\\|')} | ${t.bucket} | ${t.pct.toFixed(1)} % |`)
    L.push('')
  } else if (res.profile !== undefined) {
    const p = res.profile
    L.push(
      `## CPU profile of the Sluice worker: ${p.scenario}`,
      '',
      `${(p.totalMs / 1000).toFixed(1)} s of samples over all threads (idle excluded); files: ${p.files.join(', ')}.`,
      `Busy time per thread: ${p.threads
        .map((t) => `${t.thread} ${(t.busyMs / 1000).toFixed(1)} s of ${(t.wallMs / 1000).toFixed(1)} s`)
        .join(', ')}.`,
      '',
      '| self ms | share | function | where | thread |',
      '|--:|--:|---|---|---|',
    )
    for (const t of p.top)
      L.push(
        `| ${Math.round(t.selfMs)} | ${t.pct.toFixed(1)} % | ${t.function} | ${t.location} | ${t.thread} |`,
      )
    L.push('')
  }
  const failed = res.scenarios.filter((r) => r.error !== undefined)
  if (failed.length > 0) {
    L.push('## Failures', '')
    for (const r of failed) L.push(`- ${r.id} [${r.side}]: ${(r.error ?? '').split('\n')[0]}`)
    L.push('')
  }
  return `${L.join('\n')}\n`
}

/** Console lines of the ratios. */
export function ratioLines(ratios: readonly Ratio[]): string[] {
  return ratios.map((q) => `  ${q.label.padEnd(48)} ${q.value.toFixed(2)}`)
}
