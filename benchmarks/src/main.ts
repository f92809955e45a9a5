#!/usr/bin/env node
// `npm run bench [-- --quick] [--profile] [--only raw,source,datagen,sink,latency,s3,mysql,distributed,errors] [--reps N] [--latency-rate N] [--out DIR]`
import path from 'node:path'
import { parseArgs } from 'node:util'
import { runBench } from './bench.js'
import { benchRunDir, defaultResultsDir } from './env.js'
import { DEFAULT_GROUPS, GROUPS, type Group } from './model.js'
import { killAllChildren } from './proc.js'

const USAGE = `usage: npm run bench -- [--quick] [--profile] [--only GROUPS] [--reps N] [--out DIR]
  --quick     tiny N, one run each, no warm-up: a smoke run of the whole harness (about 1–2 minutes)
  --profile   re-run the slowest Sluice scenario with perf on its main thread (buckets: binding, Sluice JS, GC, loop;
              --cpu-prof when perf is missing)
  --only      comma-separated subset of: ${GROUPS.join(', ')} (default: all but errors, which is opt-in; --quick: also not mysql)
  --reps N    measured repetitions per scenario and side (default 3; quick: 1)
  --latency-rate N  fixed offered rate of the latency scenarios (default: half the slower side's
              measured maximum of this run, which needs the source and sink groups)
  --out DIR   where results.json, results.md and results.png go
              (default: benchmarks/results for a full run, .run/bench/quick-results for --quick)`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
      'latency-rate': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  // --quick leaves out the MySQL CDC group unless --only names it: it starts Debezium's and Sluice's
  // workers against MariaDB (a minute or two on 2 cores), more than the whole quick smoke run's budget.
  const defaultGroups = values.quick ? DEFAULT_GROUPS.filter((g) => g !== 'mysql') : DEFAULT_GROUPS
  const groups = (values.only ?? defaultGroups.join(','))
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '')
  const unknown = groups.filter((g) => !(GROUPS as readonly string[]).includes(g))
  if (unknown.length > 0) {
    console.error(`unknown scenario group(s): ${unknown.join(', ')}\n${USAGE}`)
    return 2
  }
  const reps = values.reps === undefined ? undefined : Number(values.reps)
  if (reps !== undefined && !(Number.isInteger(reps) && reps >= 1)) {
    console.error(`--reps must be a positive integer\n${USAGE}`)
    return 2
  }
  const latencyRate = values['latency-rate'] === undefined ? undefined : Number(values['latency-rate'])
  if (latencyRate !== undefined && !(Number.isFinite(latencyRate) && latencyRate > 0)) {
    console.error(`--latency-rate must be a positive number\n${USAGE}`)
    return 2
  }
  // A quick run must never overwrite the committed results of a full one.
  const outDir = path.resolve(
    values.out ?? (values.quick ? path.join(benchRunDir, 'quick-results') : defaultResultsDir),
  )
  const results = await runBench({
    quick: values.quick,
    profile: values.profile,
    groups: groups as Group[],
    outDir,
    ...(reps !== undefined ? { reps } : {}),
    ...(latencyRate !== undefined ? { latencyRate } : {}),
  })
  const failed = results.scenarios.filter((s) => s.error !== undefined)
  if (failed.length > 0) {
    console.error(
      `${failed.length} scenario(s) failed: ${failed.map((s) => `${s.id} [${s.side}]`).join(', ')}`,
    )
    return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (err) => {
    killAllChildren()
    console.error(`bench failed: ${(err as Error).stack ?? err}`)
    process.exit(1)
  },
)
