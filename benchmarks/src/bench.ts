import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { chartPng } from './chart.js'
import { benchRunDir, bootstrapServers, brokerPid, ensureBroker, kafkaDist, sluiceCli } from './env.js'
import { machineFacts } from './machine.js'
import type { BenchResults, Group, ProfileSummary, RunMetrics, ScenarioResult } from './model.js'
import { perfAvailable, recordMainThread, summarizePerf } from './perf-profile.js'
import { killAllChildren } from './proc.js'
import { summarizeProfiles } from './profile.js'
import { computeRatios, markdown, ratioLines } from './report.js'
import type { Context } from './scenarios/common.js'
import {
  datagenRun,
  datagenScenarios,
  fileSinkRun,
  fileSourceRun,
  prefillSinkTopic,
  sinkScenarios,
  sourceScenarios,
  writeLines,
} from './scenarios/connect.js'
import { distributedScenarios } from './scenarios/distributed.js'
import { errorHandlingScenarios } from './scenarios/errors.js'
import { latencyScenarios } from './scenarios/latency.js'
import { mysqlCdcScenarios } from './scenarios/mysql-cdc.js'
import { rawScenarios } from './scenarios/raw.js'
import { s3Scenarios } from './scenarios/s3.js'
import {
  COMMON_WORKER_PROPS,
  CONNECT_HEAP,
  FILE_SOURCE_BATCH_SIZE,
  FULL,
  PERF_TOOL_HEAP,
  QUICK,
  RAW_PRODUCER_PROPS,
  RECORD_SIZE,
  type Sizes,
} from './settings.js'
import { Topics } from './topics.js'
import type { Runtime } from './workers.js'

export interface BenchOptions {
  readonly quick: boolean
  readonly profile: boolean
  readonly groups: readonly Group[]
  readonly outDir: string
  /** Overrides the mode's repetition count (≥ 1). */
  readonly reps?: number
  /** Fixed rate of the latency scenarios (records/s) instead of half the measured maximum. */
  readonly latencyRate?: number
  readonly log?: (message: string) => void
}

/** Scenario cases that need the Sluice CLI, reported as failures when it is missing. */
const SLUICE_CASES: ReadonlyArray<{ id: string; group: Group; title: string }> = [
  { id: 'source-file', group: 'source', title: 'FileStreamSource' },
  { id: 'source-datagen-1', group: 'datagen', title: 'Datagen, 1 task' },
  { id: 'source-datagen-4', group: 'datagen', title: 'Datagen, 4 tasks' },
  { id: 'sink-file', group: 'sink', title: 'FileStreamSink' },
  { id: 'latency-file', group: 'latency', title: 'Latency file → source → sink → file' },
  { id: 'latency-sink', group: 'latency', title: 'Latency producer → sink → file' },
]

/** Runs the selected scenarios, writes results.json, results.md and results.png; returns the results. */
export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`[bench] ${m}\n`))
  const started = new Date()
  const t0 = performance.now()
  const base = opts.quick ? QUICK : FULL
  const sizes: Sizes = opts.reps !== undefined ? { ...base, reps: Math.max(1, opts.reps) } : base

  ensureBroker()
  const bootstrap = bootstrapServers()
  const dist = await kafkaDist()
  const machine = await machineFacts()
  log(
    `broker ${bootstrap}; ${machine.cores} cores, ${machine.memoryGiB} GiB; Kafka ${machine.kafka}; Node ${machine.node}`,
  )

  const workDir = path.join(benchRunDir, started.toISOString().replace(/[:.]/g, '-'))
  mkdirSync(workDir, { recursive: true })
  pruneOldRuns()
  const topics = new Topics(bootstrap)
  const ctx: Context = { bootstrap, topics, sizes, workDir, brokerPid: brokerPid(), log }

  const cli = sluiceCli()
  const available: Runtime[] = cli.file !== undefined ? ['java', 'sluice'] : ['java']
  // SLUICE_BENCH_SIDES=sluice: only Sluice's side, for A/B runs of one Sluice feature (benchmarks/README.md).
  const only = process.env.SLUICE_BENCH_SIDES?.split(',').map((s) => s.trim())
  const sides = only === undefined ? available : available.filter((s) => only.includes(s))
  const want = new Set(opts.groups)
  const scenarios: ScenarioResult[] = []
  let profile: ProfileSummary | undefined
  try {
    if (cli.file === undefined) {
      log(`Sluice cannot run: ${cli.reason}. Its scenarios are reported as failed.`)
      for (const c of SLUICE_CASES.filter((c) => want.has(c.group)))
        scenarios.push({ ...c, side: 'sluice', params: {}, warmups: [], runs: [], error: cli.reason ?? '' })
    }
    if (want.has('raw')) scenarios.push(...(await rawScenarios(ctx)))
    if (want.has('source')) scenarios.push(...(await sourceScenarios(ctx, sides)))
    if (want.has('datagen') && cli.file !== undefined) scenarios.push(...(await datagenScenarios(ctx)))
    if (want.has('sink')) scenarios.push(...(await sinkScenarios(ctx, sides)))
    if (want.has('s3') && cli.file !== undefined) scenarios.push(...(await s3Scenarios(ctx)))
    if (want.has('errors') && cli.file !== undefined) scenarios.push(...(await errorHandlingScenarios(ctx)))
    if (want.has('mysql')) scenarios.push(...(await mysqlCdcScenarios(ctx, sides)))
    if (want.has('distributed')) scenarios.push(...(await distributedScenarios(ctx, sides)))
    if (want.has('latency')) {
      const rate = opts.latencyRate ?? latencyRate(scenarios, sides, sizes)
      log(
        `latency: fixed rate ${Math.round(rate)} records/s (${opts.latencyRate !== undefined ? '--latency-rate' : "half the slower side's measured maximum"})`,
      )
      scenarios.push(...(await latencyScenarios(ctx, sides, rate)))
    }
    if (opts.profile && cli.file !== undefined) profile = await profileSlowest(ctx, scenarios, opts.outDir)
  } finally {
    await topics.close().catch(() => undefined)
    rmSync(path.join(workDir, 'source-input.txt'), { force: true })
    rmSync(path.join(workDir, 'errors-source-input.txt'), { force: true })
    killAllChildren()
  }

  const results: BenchResults = {
    schema: 'sluice-bench/1',
    startedAt: started.toISOString(),
    durationS: Math.round((performance.now() - t0) / 1000),
    mode: opts.quick ? 'quick' : 'full',
    machine,
    settings: {
      recordSize: RECORD_SIZE,
      sizes,
      workerProps: COMMON_WORKER_PROPS,
      rawProducerProps: RAW_PRODUCER_PROPS,
      fileSourceBatchSize: FILE_SOURCE_BATCH_SIZE,
      connectHeap: CONNECT_HEAP,
      perfToolHeap: PERF_TOOL_HEAP,
      jvmOptions: dist.JVM_PERFORMANCE_OPTS,
      latencyRate: 'half of min over sides of min(source-file, sink-file) median records/s',
      workDir,
    },
    scenarios,
    ratios: computeRatios(scenarios),
    ...(profile !== undefined ? { profile } : {}),
  }
  writeResults(results, opts.outDir)
  const md = markdown(results)
  process.stdout.write(`\n${md}`)
  process.stdout.write(
    `Ratios (Sluice/Java, Sluice/raw; medians):\n${ratioLines(results.ratios).join('\n')}\n`,
  )
  if (profile !== undefined) {
    process.stdout.write(`\nTop self-time functions of the Sluice worker (${profile.scenario}):\n`)
    for (const t of profile.threads)
      process.stdout.write(
        `  thread ${t.thread}: busy ${(t.busyMs / 1000).toFixed(1)} s of ${(t.wallMs / 1000).toFixed(1)} s\n`,
      )
    for (const t of profile.top.slice(0, 10))
      process.stdout.write(
        `  ${t.pct.toFixed(1).padStart(5)} %  ${t.function}  ${t.location}  [${t.thread}]\n`,
      )
  }
  log(`results in ${opts.outDir} (results.json, results.md, results.png); ${results.durationS} s`)
  return results
}

function writeResults(res: BenchResults, outDir: string): void {
  mkdirSync(outDir, { recursive: true })
  writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(res, null, 2)}\n`)
  writeFileSync(path.join(outDir, 'results.md'), markdown(res))
  writeFileSync(path.join(outDir, 'results.png'), chartPng(res))
}

/**
 * Half the measured maximum of the slower side's whole pipeline (a pipeline runs no faster than the
 * slower of its source and sink), so both sides get the same offered load and neither is saturated.
 */
export function latencyRate(
  results: readonly ScenarioResult[],
  sides: readonly Runtime[],
  sizes: Sizes,
): number {
  const medianOf = (id: string, side: Runtime) =>
    results.find((r) => r.id === id && r.side === side)?.summary?.recordsPerSec.median
  const maxima = sides
    .map((side) =>
      Math.min(medianOf('source-file', side) ?? Number.NaN, medianOf('sink-file', side) ?? Number.NaN),
    )
    .filter((x) => Number.isFinite(x) && x > 0)
  return maxima.length === sides.length ? Math.min(...maxima) / 2 : sizes.latencyFallbackRate
}

/** Keeps the logs of the last few benchmark runs (data files are deleted as runs finish). */
function pruneOldRuns(keep = 3): void {
  if (!existsSync(benchRunDir)) return
  // Run folders are named by their start time; quick-results and anything else is left alone.
  const dirs = readdirSync(benchRunDir)
    .filter((d) => /^\d{4}-/.test(d))
    .sort()
  for (const d of dirs.slice(0, Math.max(0, dirs.length - keep)))
    rmSync(path.join(benchRunDir, d), { recursive: true, force: true })
}

/**
 * Re-runs the slowest Sluice throughput scenario once with `--cpu-prof` (not counted in the results) and
 * summarizes the profiles of the main thread and every pool thread.
 */
async function profileSlowest(
  ctx: Context,
  scenarios: readonly ScenarioResult[],
  outDir: string,
): Promise<ProfileSummary | undefined> {
  // Only the scenarios this function can re-run (below); others (e.g. the S3 sink's) are skipped.
  const profiled = (id: string): boolean =>
    id === 'source-file' || id.startsWith('source-datagen-') || id === 'sink-file'
  const candidates = scenarios.filter(
    (r) => r.side === 'sluice' && r.group !== 'latency' && r.summary !== undefined && profiled(r.id),
  )
  candidates.sort((a, b) => a.summary!.recordsPerSec.median - b.summary!.recordsPerSec.median)
  const slowest = candidates[0]
  if (slowest === undefined) {
    ctx.log('profile: no Sluice throughput scenario completed; nothing to profile')
    return undefined
  }
  const usePerf = perfAvailable()
  if (!usePerf) ctx.log('profile: perf not found (apt-get install linux-perf); falling back to --cpu-prof')
  ctx.log(
    `profile: re-running ${slowest.id} on Sluice with ${usePerf ? 'perf on the main thread' : '--cpu-prof'}`,
  )
  const dir = path.join(ctx.workDir, 'profile')
  const profDir = path.join(dir, 'cpuprofiles')
  mkdirSync(profDir, { recursive: true })
  const perfData = path.join(dir, 'perf.data')
  const flags = usePerf ? ['--perf-basic-prof-only-functions'] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`]
  const recorder = usePerf ? await recordMainThread(dir, perfData) : undefined
  let m: RunMetrics
  if (slowest.id === 'source-file') {
    const input = path.join(ctx.workDir, 'source-input.txt')
    if (!existsSync(input)) writeLines(input, ctx.sizes.source)
    m = await fileSourceRun(ctx, 'sluice', input, ctx.sizes.source, dir, flags)
  } else if (slowest.id.startsWith('source-datagen-')) {
    m = await datagenRun(
      ctx,
      Number(slowest.id.slice('source-datagen-'.length)),
      ctx.sizes.datagen,
      dir,
      flags,
    )
  } else if (slowest.id === 'sink-file') {
    const topic = await prefillSinkTopic(ctx, ctx.sizes.sink, dir)
    try {
      m = await fileSinkRun(ctx, 'sluice', topic, ctx.sizes.sink, dir, 0, flags)
    } finally {
      await ctx.topics.delete(topic)
    }
  } else {
    ctx.log(`profile: no profile runner for ${slowest.id}`)
    return undefined
  }
  ctx.log(`profile run: ${m.recordsPerSec} records/s (with the profiler on; not part of the results)`)
  if (recorder !== undefined) {
    await recorder.stop()
    if ((await recorder.pid) === undefined || !existsSync(perfData)) {
      ctx.log('profile: perf could not attach to the worker')
      return undefined
    }
    const mainThread = summarizePerf(perfData, m.mainThreadUsPerRecord)
    return { scenario: slowest.id, files: [], totalMs: 0, threads: [], top: [], mainThread }
  }
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread (Kafka I/O).
  const produced = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))
  if (produced.length === 0) {
    ctx.log('profile: the worker wrote no .cpuprofile (did it exit normally on SIGTERM?)')
    return undefined
  }
  mkdirSync(outDir, { recursive: true })
  for (const f of readdirSync(outDir)) if (f.endsWith('.cpuprofile')) rmSync(path.join(outDir, f))
  const files = produced.map((f) => {
    const tid = Number(f.split('.')[4])
    const thread = tid === 0 ? 'main' : `pool-${tid}`
    const dest = path.join(outDir, `sluice-${slowest.id}-${thread}.cpuprofile`)
    renameSync(path.join(profDir, f), dest)
    return { file: dest, thread }
  })
  return summarizeProfiles(slowest.id, files)
}
