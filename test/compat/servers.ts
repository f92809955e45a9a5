import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The two Connect workers of the differential test: Java Kafka Connect standalone (4.4, from the Maven jars
 * that `scripts/kafka.mjs resolve` caches) and `sluice standalone`, each with its own REST port and offsets
 * file, on the same broker.
 */

/** Repository root (this file compiles to test/dist/compat/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

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

/** Polls `fn` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export function writeProps(file: string, props: Record<string, string>): string {
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  )
  return file
}

export async function waitReady(
  proc: ChildProcess,
  url: string,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  let exited: number | null = null
  proc.once('exit', (code) => {
    exited = code ?? -1
  })
  await pollUntil(`${url}/connectors to answer`, timeoutMs, async () => {
    if (exited !== null) throw new Error(`exited with ${exited}; log: ${logFile}\n${tail(logFile)}`)
    const r = await fetch(`${url}/connectors`)
    // Jetty answers 404 (HTML) until Kafka Connect's resources are installed.
    return r.status === 200 ? true : undefined
  })
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

export function stopper(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.pid === undefined) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
}

/** Common worker properties of both sides. */
function workerProps(bootstrap: string, dir: string, port: number): Record<string, string> {
  return {
    'bootstrap.servers': bootstrap,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
    // Offsets become visible quickly, so the session waits seconds, not a minute.
    'offset.flush.interval.ms': '1000',
    listeners: `http://127.0.0.1:${port}`,
  }
}

/** Writes a Log4j2 config that logs INFO to stdout (Java Connect's own files are in no jar); returns its path. */
export function writeConsoleLog4j(file: string): string {
  writeFileSync(
    file,
    [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.out.ref = STDOUT',
      '',
    ].join('\n'),
  )
  return file
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
  mkdirSync(opts.dir, { recursive: true })
  const props = writeProps(path.join(opts.dir, 'worker.properties'), {
    ...workerProps(opts.bootstrap, opts.dir, opts.port),
    // The FileStream connectors and every other plugin are on the classpath with service manifests.
    'plugin.discovery': 'service_load',
  })
  const log4j = writeConsoleLog4j(path.join(opts.dir, 'log4j2.properties'))
  const logFile = path.join(opts.dir, 'connect.log')
  const out = openSync(logFile, 'w')
  const proc = spawn(
    'java',
    [
      '-Xms256M',
      '-Xmx1G',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      opts.classpath,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      props,
    ],
    { stdio: ['ignore', out, out] },
  )
  const url = `http://127.0.0.1:${opts.port}`
  const stop = stopper(proc)
  try {
    await waitReady(proc, url, logFile, 90_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { side: 'java', url, workerId: `127.0.0.1:${opts.port}`, logFile, stop }
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
  mkdirSync(opts.dir, { recursive: true })
  const props = writeProps(
    path.join(opts.dir, 'worker.properties'),
    workerProps(opts.bootstrap, opts.dir, opts.port),
  )
  const logFile = path.join(opts.dir, 'sluice.log')
  const out = openSync(logFile, 'w')
  const proc = spawn(process.execPath, [opts.cli, 'standalone', props], {
    stdio: ['ignore', out, out],
    cwd: repoRoot,
  })
  const url = `http://127.0.0.1:${opts.port}`
  const stop = stopper(proc)
  try {
    await waitReady(proc, url, logFile, 60_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { side: 'sluice', url, workerId: `127.0.0.1:${opts.port}`, logFile, stop }
}
