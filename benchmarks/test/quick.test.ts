import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { BenchResults } from '../src/index.js'
import { BUCKETS, perfAvailable } from '../src/perf-profile.js'

// The harness must not rot: `npm test` runs it in --quick mode (tiny N, one run each) against the real
// broker, Java Kafka Connect and Sluice, and checks that it finishes and writes well-formed results.
// It never asserts timings: the machine is shared and figures from tiny runs mean nothing.

const here = path.dirname(fileURLToPath(import.meta.url))
const benchDir = path.resolve(here, '..', '..')
const repoRoot = path.resolve(benchDir, '..')
const main = path.join(benchDir, 'dist', 'src', 'main.js')
const kafka = path.join(repoRoot, 'scripts', 'kafka.mjs')

let startedBroker = false
let outDir = ''

before(() => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-quick-'))
  // Stop afterwards only a broker this test started, as scripts/test.mjs does.
  if (!process.env.SLUICE_TEST_BOOTSTRAP && !process.env.KAFKA_BOOTSTRAP_SERVERS) {
    startedBroker = spawnSync(process.execPath, [kafka, 'status'], { stdio: 'ignore' }).status !== 0
  }
})

after(() => {
  if (startedBroker) spawnSync(process.execPath, [kafka, 'stop'], { stdio: 'inherit' })
  rmSync(outDir, { recursive: true, force: true })
})

function runQuick(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, '--quick', '--profile', '--out', outDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    // The harness kills its own children on SIGTERM; a hung run must not outlive the test.
    const timer = setTimeout(() => child.kill('SIGTERM'), 240_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const EXPECTED: ReadonlyArray<[string, string]> = [
  ['raw-produce-100', 'raw'],
  ['raw-consume-100', 'raw'],
  ['raw-produce-1k', 'raw'],
  ['raw-consume-1k', 'raw'],
  ['raw-produce-100-p4', 'raw'],
  ['source-file', 'java'],
  ['source-file', 'sluice'],
  ['source-datagen-1', 'sluice'],
  ['source-datagen-4', 'sluice'],
  ['sink-file', 'java'],
  ['sink-file', 'sluice'],
  ['latency-file', 'java'],
  ['latency-file', 'sluice'],
  ['latency-sink', 'java'],
  ['latency-sink', 'sluice'],
]

test('npm run bench -- --quick --profile completes and writes well-formed results', {
  timeout: 270_000,
}, async () => {
  const { code, output } = await runQuick()
  assert.equal(code, 0, `the quick benchmark failed (exit ${code}):\n${output.slice(-4000)}`)

  const json = path.join(outDir, 'results.json')
  const res = JSON.parse(readFileSync(json, 'utf8')) as BenchResults
  assert.equal(res.schema, 'sluice-bench/1')
  assert.equal(res.mode, 'quick')
  for (const key of ['cores', 'memoryGiB', 'node', 'java', 'kafka', 'librdkafka'])
    assert.ok(res.machine[key] !== undefined && res.machine[key] !== '', `machine fact ${key} missing`)

  for (const [id, side] of EXPECTED) {
    const r = res.scenarios.find((s) => s.id === id && s.side === side)
    assert.ok(r, `no result row for ${id} [${side}]`)
    assert.equal(r.error, undefined, `${id} [${side}] failed: ${r.error}`)
    assert.ok(r.runs.length >= 1, `${id} [${side}] has no measured run`)
    assert.ok(r.summary, `${id} [${side}] has no summary`)
    for (const m of r.runs) {
      assert.ok(m.records > 0 && m.seconds >= 0, `${id} [${side}]: malformed run ${JSON.stringify(m)}`)
      assert.equal(typeof m.recordsPerSec, 'number')
      assert.ok(m.peakRssMiB > 0, `${id} [${side}]: no peak RSS`)
      if (side !== 'raw') assert.ok((m.restReadyMs ?? 0) > 0, `${id} [${side}]: no REST-ready time`)
      if (r.group === 'latency') {
        assert.ok(m.latency, `${id} [${side}]: no latency figures`)
        if (m.complete) assert.ok(m.latency.p50Ms <= m.latency.p99Ms && m.latency.p99Ms <= m.latency.maxMs)
      }
    }
  }
  assert.ok(
    res.ratios.some((q) => q.label.includes('Sluice/Java')),
    'no Sluice/Java ratio',
  )
  assert.ok(
    res.ratios.some((q) => q.label.includes('Sluice/raw')),
    'no Sluice/raw ratio',
  )
  assert.match(output, /Ratios \(Sluice\/Java, Sluice\/raw; medians\)/)

  const md = readFileSync(path.join(outDir, 'results.md'), 'utf8')
  assert.match(md, /^# Sluice benchmark results \(quick run\)/)
  assert.match(md, /\| scenario \| side \| records\/s \|/)
  const png = readFileSync(path.join(outDir, 'results.png'))
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG')
  assert.ok(png.length > 10_000, 'the PNG is suspiciously small')

  assert.ok(res.profile, 'no profile summary')
  const mt = res.profile.mainThread
  if (perfAvailable()) {
    // perf on the worker's main thread: every bucket reported, shares adding up.
    assert.ok(mt !== undefined, 'perf is installed but the profile has no main-thread buckets')
    assert.ok(mt.samples > 0, 'perf recorded no main-thread samples')
    assert.deepEqual(
      mt.buckets.map((b) => b.bucket),
      [...BUCKETS],
    )
    const total = mt.buckets.reduce((a, b) => a + b.pct, 0)
    assert.ok(Math.abs(total - 100) < 0.01, `bucket shares add up to ${total} %`)
  } else {
    assert.ok(res.profile.top.length > 0, 'the profile has no functions')
    const profiles = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'))
    assert.ok(profiles.length >= 1, 'no .cpuprofile written')
    assert.ok(existsSync(path.join(outDir, profiles[0]!)))
  }
})
