import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Repository root (this file compiles to benchmarks/dist/src/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** Scratch space of benchmark runs (ignored by git, like every other run state). */
export const benchRunDir = path.join(process.env.SLUICE_RUN_DIR ?? path.join(repoRoot, '.run'), 'bench')

/** Where a full run writes its JSON, Markdown and PNG. */
export const defaultResultsDir = path.join(repoRoot, 'benchmarks', 'results')

/** The parts of `scripts/lib/kafka-dist.mjs` the harness uses (a plain .mjs, so typed here). */
export interface KafkaDist {
  readonly KAFKA_VERSION: string
  resolveKafka(opts?: { quiet?: boolean }): Promise<string>
  classpath(): string
  writeLog4jConfig(file: string, opts?: { level?: string; quiet?: string[] }): string
  readonly JVM_PERFORMANCE_OPTS: readonly string[]
}

let dist: KafkaDist | undefined

/**
 * The project's Kafka distribution helpers. Reused rather than re-implemented so the benchmark runs the
 * very jars, JVM flags and log config the broker and the differential tests use.
 */
export async function kafkaDist(): Promise<KafkaDist> {
  if (dist !== undefined) return dist
  const url = pathToFileURL(path.join(repoRoot, 'scripts', 'lib', 'kafka-dist.mjs')).href
  dist = (await import(url)) as KafkaDist
  await dist.resolveKafka({ quiet: true })
  return dist
}

/** Bootstrap servers of the broker every scenario shares. */
export function bootstrapServers(): string {
  return (
    process.env.KAFKA_BOOTSTRAP_SERVERS ??
    (process.env.SLUICE_TEST_BOOTSTRAP || undefined) ??
    `127.0.0.1:${process.env.SLUICE_KAFKA_PORT ?? 9092}`
  )
}

/**
 * Starts the project's local broker unless one runs (`scripts/kafka.mjs start` is idempotent and only
 * checks reachability when KAFKA_BOOTSTRAP_SERVERS names another cluster).
 */
export function ensureBroker(): string {
  if (!process.env.SLUICE_TEST_BOOTSTRAP) {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'kafka.mjs'), 'start'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    if (r.status !== 0)
      throw new Error('could not start the local Kafka broker (node scripts/kafka.mjs start)')
  }
  return bootstrapServers()
}

/** Pid of the local broker this project started, for its CPU figures; undefined for an external one. */
export function brokerPid(): number | undefined {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) return undefined
  const port = Number(process.env.SLUICE_KAFKA_PORT ?? 9092)
  const runDir = process.env.SLUICE_RUN_DIR ?? path.join(repoRoot, '.run')
  const file = path.join(runDir, port === 9092 ? 'kafka' : `kafka-${port}`, 'broker.pid')
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** The `sluice` CLI entry of packages/cli (its package.json `bin`), or why it cannot be used. */
export function sluiceCli(): { file?: string; reason?: string } {
  if (process.env.SLUICE_CLI) return { file: process.env.SLUICE_CLI }
  const manifest = path.join(repoRoot, 'packages', 'cli', 'package.json')
  if (!existsSync(manifest)) return { reason: `${manifest} does not exist (the CLI package has not landed)` }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> }
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.sluice
  if (bin === undefined) return { reason: 'packages/cli/package.json declares no "sluice" bin' }
  const file = path.join(repoRoot, 'packages', 'cli', bin)
  if (!existsSync(file))
    return { reason: `${file} does not exist: build the workspace first (npm run build)` }
  return { file }
}
