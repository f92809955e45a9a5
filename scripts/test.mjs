#!/usr/bin/env node
// `npm test`: set up what is missing, build, check layering and lint, start the broker unless one runs,
// run every unit test (beside each package) and integration test (test/), stop what we started, and
// exit non-zero on any failure. `npm test -- --unit` / `--integration` / `--only <substring>` narrow it.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { check as checkBoundaries } from './check-boundaries.mjs'
import { start as startBroker, stop as stopBroker } from './lib/kafka-broker.mjs'
import { resolveKafka } from './lib/kafka-dist.mjs'
import { root, runDir } from './lib/paths.mjs'
import { log, run } from './lib/proc.mjs'
import { ensureBinary as ensureS3Binary, status as s3Status, stop as stopS3 } from './lib/s3-server.mjs'
import { ensureOtelcol, ensurePrometheus } from './lib/telemetry-servers.mjs'
import { buildEnv, setup } from './setup.mjs'

const { values: opts } = parseArgs({
  options: {
    unit: { type: 'boolean', default: false },
    integration: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-lint': { type: 'boolean', default: false },
  },
})
const wantUnit = opts.unit || !opts.integration
const wantIntegration = opts.integration || !opts.unit

function* testFiles(dir) {
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) yield* testFiles(p)
    else if (name.endsWith('.test.js')) yield p
  }
}

function unitTestFiles() {
  const files = []
  for (const group of ['packages', 'packages/connectors', 'examples/plugins', 'benchmarks']) {
    const base = path.join(root, group)
    if (!existsSync(base)) continue
    const dirs = group === 'benchmarks' ? [base] : readdirSync(base).map((n) => path.join(base, n))
    for (const d of dirs)
      if (existsSync(path.join(d, 'package.json'))) files.push(...testFiles(path.join(d, 'dist', 'test')))
  }
  return files
}

const filter = (files) => (opts.only ? files.filter((f) => f.includes(opts.only)) : files)

/** Runs node:test on `files`; resolves with { ok, counts } parsed from a TAP copy of the results. */
function nodeTest(label, files, concurrency, env = buildEnv()) {
  const resultsDir = path.join(runDir, 'test-results')
  mkdirSync(resultsDir, { recursive: true })
  const tap = path.join(resultsDir, `${label}.tap`)
  const args = [
    '--test',
    `--test-concurrency=${concurrency}`,
    // A hung test must fail the run, not CI's 90-minute budget.
    '--test-timeout=900000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]
  log(`${label} tests: ${files.length} file(s)`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root, env })
    child.on('exit', (code) => {
      const text = existsSync(tap) ? readFileSync(tap, 'utf8') : ''
      const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0)
      resolve({
        ok: code === 0,
        counts: {
          tests: count('tests'),
          pass: count('pass'),
          fail: count('fail'),
          skipped: count('skipped'),
          todo: count('todo'),
        },
      })
    })
  })
}

async function main() {
  const t0 = Date.now()
  const { pnpm } = await setup()
  const problems = checkBoundaries()
  if (problems.length > 0)
    throw new Error(`dependency boundaries violated (see DEVELOPERS.md):\n  ${problems.join('\n  ')}`)
  log('dependency boundaries: ok')
  if (!opts['no-lint'])
    await run(pnpm, ['exec', 'biome', 'check', '--diagnostic-level=error', '.'], { cwd: root })

  // Unit tests compare against Java's behaviour too (the JsonConverter corpus), so the jars come first.
  await resolveKafka()

  // The S3 sink's tests and the quick benchmark (a unit test) start the local S3 server on demand; its
  // one-time build (about 2 min cold) happens here, outside any test's timeout.
  await ensureS3Binary()

  const results = []
  if (wantUnit) results.push(['unit', await nodeTest('unit', filter(unitTestFiles()), 2)])

  if (wantIntegration) {
    // test/chaos: long-running fault scenarios (poison storms), part of the integration run.
    const files = filter([
      ...testFiles(path.join(root, 'test', 'dist', 'test')),
      ...testFiles(path.join(root, 'test', 'dist', 'chaos')),
    ])
    // Like the S3 server above, the telemetry test's servers: Prometheus (apt) and the OpenTelemetry Collector (ocb, ~9 min cold).
    ensurePrometheus()
    ensureOtelcol()
    const s3WasRunning = (await s3Status()).state === 'running'
    const broker = await startBroker()
    if (broker.started) log(`started Kafka on ${broker.bootstrap} in ${(broker.readyMs / 1000).toFixed(1)} s`)
    else log(`using the running Kafka on ${broker.bootstrap}`)
    try {
      // One file at a time: integration tests load the 2 cores and the one broker heavily.
      const env = { ...buildEnv(), SLUICE_TEST_BOOTSTRAP: broker.bootstrap }
      results.push(['integration', await nodeTest('integration', files, 1, env)])
    } finally {
      if (broker.started) {
        await stopBroker()
        log('stopped the Kafka broker this run started')
      }
      if (!s3WasRunning && (await stopS3()).stopped) log('stopped the S3 server this run started')
    }
  }

  const total = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0 }
  for (const [label, r] of results) {
    for (const k of Object.keys(total)) total[k] += r.counts[k]
    log(
      `${label}: ${r.counts.tests} tests, ${r.counts.pass} passed, ${r.counts.fail} failed, ${r.counts.skipped} skipped`,
    )
  }
  const ok = results.every(([, r]) => r.ok) && total.skipped === 0 && total.todo === 0
  log(
    `${ok ? 'PASS' : 'FAIL'}: ${total.tests} tests, ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped, ` +
      `${total.todo} todo in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  )
  if (total.skipped > 0 || total.todo > 0)
    log('skipped or todo tests count as failures: a test must run or be removed')
  return ok ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`npm test failed: ${err.message}`)
    process.exit(1)
  },
)
