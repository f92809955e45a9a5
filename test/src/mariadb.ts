import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from './broker.js'

/** Where the project's private MariaDB answers, and the users it was created with. */
export interface MariaDb {
  readonly host: string
  readonly port: number
  /** The capture user with Debezium's grants. */
  readonly cdc: { readonly user: string; readonly password: string }
  /** A user with all privileges, to write test data over TCP. */
  readonly admin: { readonly user: string; readonly password: string }
}

let cached: MariaDb | undefined

/**
 * The project's MariaDB (scripts/mariadb.mjs): reused when it runs, else installed (Debian) and started —
 * never a silent skip.
 */
export function ensureMariaDb(): MariaDb {
  if (cached !== undefined) return cached
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'mariadb.mjs'), 'start'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const m = /MariaDB on ([\d.]+):(\d+)/.exec(r.stdout ?? '')
  if (r.status !== 0 || m === null)
    throw new Error(`could not start MariaDB (node scripts/mariadb.mjs start): ${r.stdout ?? ''}`)
  cached = {
    host: m[1] as string,
    port: Number(m[2]),
    cdc: { user: 'debezium', password: 'dbz' },
    admin: { user: 'sluice', password: 'sluice' },
  }
  return cached
}

/** The plugin.path folder holding Debezium's MySQL connector (resolved from Maven Central, cached). */
export function debeziumPluginPath(): string {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'mariadb.mjs'), 'debezium'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const m = /Debezium plugin path (\S+)/.exec(r.stdout ?? '')
  if (r.status !== 0 || m === null) throw new Error(`could not resolve Debezium's jars: ${r.stdout ?? ''}`)
  return m[1] as string
}

/** The `java -cp` classpath of Java Connect 3.9 (resolved from Maven Central, cached), where Debezium 2.7.4 can restart. */
export function connect3Classpath(): string {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'mariadb.mjs'), 'connect3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const m = /Connect 3 classpath (\S+)/.exec(r.stdout ?? '')
  if (r.status !== 0 || m === null)
    throw new Error(`could not resolve Java Connect 3.9's jars: ${r.stdout ?? ''}`)
  return m[1] as string
}
