import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { repoRoot, spawnJavaWorker, spawnSluiceWorker, whenAnswering, workerBase } from './connect-worker.js'

/**
 * The two Connect workers of the differential test: Java Kafka Connect standalone (4.4, from the Maven jars
 * that `scripts/kafka.mjs resolve` caches) and `sluice standalone`, each with its own REST port and offsets
 * file, on the same broker.
 */

// The tests import these from here (they lived here before connect-worker.ts held them for every fixture).
export {
  pollUntil,
  repoRoot,
  stopper,
  waitReady,
  writeConsoleLog4j,
  writeProps,
} from './connect-worker.js'

/** A worker under test. */
export interface ConnectProcess {
  readonly side: 'java' | 'sluice'
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:18083`. */
  readonly url: string
  /** The worker id its statuses carry (`host:port`). */
  readonly workerId: string
  readonly logFile: string
  stop(): Promise<void>
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const s = net.createServer()
      s.once('error', () => resolve(undefined))
      s.listen(port, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port
        s.close(() => resolve(p))
      })
    })
  if (preferred !== undefined) {
    const p = await tryPort(preferred)
    if (p !== undefined) return p
  }
  const p = await tryPort(0)
  if (p === undefined) throw new Error('no free port on 127.0.0.1')
  return p
}

/** Resolves the Kafka jars (Maven, cached) and returns the classpath, or `undefined` with the reason. */
export function javaClasspath(): { classpath?: string; reason?: string } {
  if (spawnSync('java', ['-version']).status !== 0) return { reason: 'java is not installed' }
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'kafka.mjs'), 'resolve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  if (r.status !== 0) return { reason: 'could not resolve the Kafka jars (node scripts/kafka.mjs resolve)' }
  // `kafka.mjs resolve` ends with "Kafka jars in <lib dir>" (the per-user cache of scripts/lib/paths.mjs).
  const lib = /Kafka jars in (\S+)/.exec(r.stdout)?.[1]
  if (lib === undefined) return { reason: `kafka.mjs resolve did not name the jar folder: ${r.stdout}` }
  return { classpath: path.join(lib, '*') }
}

/**
 * {@link javaClasspath} plus MirrorMaker 2's connectors (`node scripts/kafka.mjs resolve-mirror`), for a
 * Java topic-to-topic hop that keeps headers.
 */
export function mirrorClasspath(): { classpath?: string; reason?: string } {
  const base = javaClasspath()
  if (base.classpath === undefined) return base
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'kafka.mjs'), 'resolve-mirror'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  const dir = /MirrorMaker jars in (\S+)/.exec(r.stdout ?? '')?.[1]
  if (r.status !== 0 || dir === undefined)
    return { reason: 'could not resolve MirrorMaker 2 (node scripts/kafka.mjs resolve-mirror)' }
  return { classpath: `${base.classpath}${path.delimiter}${path.join(dir, '*')}` }
}

/**
 * Version and commit id of the Java Kafka Connect the tests run, read from kafka-clients' own
 * `kafka/kafka-version.properties` (what Java's `GET /` reports), so no test hard-codes a Kafka version.
 */
export function javaServerInfo(): { version: string; commit: string } {
  const { classpath, reason } = javaClasspath()
  if (classpath === undefined) throw new Error(`Java Kafka Connect is not available: ${reason}`)
  const lib = path.dirname(classpath)
  const jar = readdirSync(lib).find((f) => /^kafka-clients-[\d.]+\.jar$/.test(f))
  if (jar === undefined) throw new Error(`no kafka-clients jar in ${lib}`)
  const r = spawnSync('unzip', ['-p', path.join(lib, jar), 'kafka/kafka-version.properties'], {
    encoding: 'utf8',
  })
  const version = /^version=(.+)$/m.exec(r.stdout ?? '')?.[1]?.trim()
  const commit = /^commitId=(.+)$/m.exec(r.stdout ?? '')?.[1]?.trim()
  if (version === undefined || commit === undefined)
    throw new Error(`could not read kafka/kafka-version.properties from ${jar}: ${r.stderr ?? ''}`)
  return { version, commit }
}

/** Starts Java Kafka Connect standalone on `port`; resolves once its REST API answers. */
export async function startJavaConnect(opts: {
  bootstrap: string
  dir: string
  port: number
  classpath: string
}): Promise<ConnectProcess> {
  const child = spawnJavaWorker({
    ...opts,
    mode: 'standalone',
    workerProps: {
      ...workerBase(opts.bootstrap, opts.dir, opts.port),
      // The FileStream connectors and every other plugin are on the classpath with service manifests.
      'plugin.discovery': 'service_load',
    },
    jvmFlags: ['-Xms256M', '-Xmx1G', '-XX:+UseG1GC'],
  })
  return { side: 'java', ...(await whenAnswering(child, 90_000)) }
}

/**
 * The `sluice` CLI entry, if built: `$SLUICE_CLI`, or `packages/cli`'s `bin` from its package.json.
 */
export function sluiceCli(): string | undefined {
  if (process.env.SLUICE_CLI) return process.env.SLUICE_CLI
  const pkg = path.join(repoRoot, 'packages', 'cli', 'package.json')
  if (!existsSync(pkg)) return undefined
  const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> }
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.sluice
  const entry = bin === undefined ? undefined : path.join(repoRoot, 'packages', 'cli', bin)
  return entry !== undefined && existsSync(entry) ? entry : undefined
}

/** Starts `sluice standalone worker.properties` on `port`; resolves once its REST API answers. */
export async function startSluice(opts: {
  bootstrap: string
  dir: string
  port: number
  cli: string
}): Promise<ConnectProcess> {
  const child = spawnSluiceWorker({
    ...opts,
    mode: 'standalone',
    workerProps: workerBase(opts.bootstrap, opts.dir, opts.port),
  })
  return { side: 'sluice', ...(await whenAnswering(child, 60_000)) }
}

/**
 * Waits for both workers, started together (Java Connect alone takes 5–15 s). If either does not come
 * up, the other is stopped and the first failure thrown, so no process outlives a failed start.
 */
export async function bothStarted(
  java: Promise<ConnectProcess>,
  sluice: Promise<ConnectProcess>,
): Promise<{ java: ConnectProcess; sluice: ConnectProcess }> {
  const [j, s] = await Promise.allSettled([java, sluice])
  if (j.status === 'fulfilled' && s.status === 'fulfilled') return { java: j.value, sluice: s.value }
  await Promise.all([j, s].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)))
  throw j.status === 'rejected' ? j.reason : (s as PromiseRejectedResult).reason
}
