import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from './broker.js'

/** How to reach the project's local S3 server (versitygw, scripts/lib/s3-server.mjs). */
export interface S3Connection {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
  /** A bucket the server was started with. */
  readonly bucket: string
}

let cached: S3Connection | undefined

/**
 * The project's local S3 server: the running one, or started here (built from the Go module proxy on the
 * very first run, which takes minutes). Never a silent skip: failing to start it fails the test.
 */
export function ensureS3(): S3Connection {
  if (cached !== undefined) return cached
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'scripts', 's3-server.mjs'), 'start', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      timeout: 20 * 60_000,
    },
  )
  if (r.status !== 0)
    throw new Error(
      'could not start the local S3 server (node scripts/s3-server.mjs start); see its output above',
    )
  const c = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as S3Connection
  cached = {
    endpoint: c.endpoint,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    region: c.region,
    bucket: c.bucket,
  }
  return cached
}
