import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (this file compiles to test/dist/src/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

let cached: string | undefined

/**
 * Bootstrap servers of a broker that answers: the one `npm test` started, or — when a test file runs on
 * its own — the project's local broker, started here if needed (never a silent skip).
 */
export function ensureBroker(): string {
  if (cached !== undefined) return cached
  const fromRunner = process.env.SLUICE_TEST_BOOTSTRAP
  if (fromRunner) {
    cached = fromRunner
    return cached
  }
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'kafka.mjs'), 'start'], {
    stdio: 'inherit',
  })
  if (r.status !== 0)
    throw new Error(
      'could not start the local Kafka broker (node scripts/kafka.mjs start); see its output above',
    )
  cached = process.env.KAFKA_BOOTSTRAP_SERVERS ?? `127.0.0.1:${process.env.SLUICE_KAFKA_PORT ?? 9092}`
  return cached
}

/** A topic name no other test (or earlier run) uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}
