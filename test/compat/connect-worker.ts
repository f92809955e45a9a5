import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Starting a Connect worker process for the compat tests, one way for every fixture: Java Kafka Connect
 * (standalone or distributed, from the cached Maven jars) and the `sluice` CLI. Each writes its properties
 * into its own folder, logs to a file there, and comes back as a {@link WorkerChild} that stops (SIGTERM,
 * then SIGKILL) or kills (kill -9) it. The fixtures (servers.ts, distributed-servers.ts, mysql-fixture.ts)
 * choose the properties and wait for what their tests need.
 */

/** Repository root (this file compiles to test/dist/compat/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

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

/** Writes `props` as a Java properties file (`key=value` lines); returns its path. */
export function writeProps(file: string, props: Record<string, string>): string {
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  )
  return file
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

/** A standalone worker's properties: JSON converters, a file offset store in `dir`, REST on `port`. */
export function workerBase(bootstrap: string, dir: string, port: number): Record<string, string> {
  return {
    'bootstrap.servers': bootstrap,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': path.join(dir, 'connect.offsets'),
    // Offsets become visible quickly, so a test waits seconds, not a minute.
    'offset.flush.interval.ms': '1000',
    listeners: `http://127.0.0.1:${port}`,
  }
}

/** The last `lines` lines of `file` ('' when it cannot be read). */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/** Whether the process has exited or was killed by a signal. */
const gone = (proc: ChildProcess): boolean =>
  proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined

/** SIGTERM, then SIGKILL after 20 s; nothing when the process is gone already (also after a kill -9). */
export function stopper(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (gone(proc)) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
}

/** kill -9: the worker vanishes without a goodbye (it does not leave its group). */
export function killer(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (gone(proc)) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill('SIGKILL')
    await exited
  }
}

/** Resolves once `url`'s `GET /connectors` answers 200; throws with the log tail if the process exits first. */
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

/** A started worker process. */
export interface WorkerChild {
  readonly proc: ChildProcess
  /** Its stdout and stderr. */
  readonly logFile: string
  /** REST base URL without trailing slash, e.g. `http://127.0.0.1:18083`. */
  readonly url: string
  /** The worker id its statuses carry (`host:port`). */
  readonly workerId: string
  /** SIGTERM, then SIGKILL after 20 s. */
  stop(): Promise<void>
  /** kill -9. */
  kill(): Promise<void>
  /** Sends a signal (SIGSTOP/SIGCONT: a paused worker, a zombie). */
  signal(sig: NodeJS.Signals): void
  logTail(lines?: number): string
}

/** What every worker start needs. */
export interface WorkerStart {
  /** The worker's folder: its properties files and its log go here (created if missing). */
  readonly dir: string
  /** REST port; `listeners` is set to it. */
  readonly port: number
  /** `worker.properties`; its `listeners` is set from `port`. */
  readonly workerProps: Record<string, string>
  /** A standalone worker's `connector.properties`, passed after the worker's properties. */
  readonly connectorProps?: Record<string, string>
}

/** Writes the properties files of `o` into its folder; returns their paths, worker first. */
function propertiesFiles(o: WorkerStart): string[] {
  mkdirSync(o.dir, { recursive: true })
  const files = [
    writeProps(path.join(o.dir, 'worker.properties'), {
      ...o.workerProps,
      listeners: `http://127.0.0.1:${o.port}`,
    }),
  ]
  if (o.connectorProps !== undefined)
    files.push(writeProps(path.join(o.dir, 'connector.properties'), o.connectorProps))
  return files
}

function spawnLogged(
  command: string,
  args: readonly string[],
  o: WorkerStart,
  logName: string,
  logFlags: 'w' | 'a',
  cwd?: string,
): WorkerChild {
  const logFile = path.join(o.dir, logName)
  const out = openSync(logFile, logFlags)
  const proc = spawn(command, args, { stdio: ['ignore', out, out], ...(cwd === undefined ? {} : { cwd }) })
  closeSync(out) // the child has its own copy
  return {
    proc,
    logFile,
    url: `http://127.0.0.1:${o.port}`,
    workerId: `127.0.0.1:${o.port}`,
    stop: stopper(proc),
    kill: killer(proc),
    signal: (sig) => void proc.kill(sig),
    logTail: (lines = 40) => tail(logFile, lines),
  }
}

/** Java Kafka Connect's entry points. */
const JAVA_MAIN = {
  standalone: 'org.apache.kafka.connect.cli.ConnectStandalone',
  distributed: 'org.apache.kafka.connect.cli.ConnectDistributed',
} as const

/** Starts Java Kafka Connect (log `connect.log`); does not wait for it. */
export function spawnJavaWorker(
  o: WorkerStart & {
    readonly mode: 'standalone' | 'distributed'
    /** The Kafka jars (see servers.ts `javaClasspath`). */
    readonly classpath: string
    /** Heap and GC flags, sized by the caller for how many JVMs its test runs at once. */
    readonly jvmFlags: readonly string[]
  },
): WorkerChild {
  const files = propertiesFiles(o)
  const log4j = writeConsoleLog4j(path.join(o.dir, 'log4j2.properties'))
  const args = [
    ...o.jvmFlags,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    o.classpath,
    JAVA_MAIN[o.mode],
    ...files,
  ]
  return spawnLogged('java', args, o, 'connect.log', 'w')
}

/** Starts `sluice <mode> worker.properties [connector.properties]` (log `sluice.log`); does not wait for it. */
export function spawnSluiceWorker(
  o: WorkerStart & {
    readonly mode: 'standalone' | 'distributed'
    /** The CLI entry (see servers.ts `sluiceCli`). */
    readonly cli: string
    /** Appends to the log instead of truncating it (a restarted worker keeps its predecessor's log). */
    readonly appendLog?: boolean
  },
): WorkerChild {
  const files = propertiesFiles(o)
  const flags = o.appendLog === true ? 'a' : 'w'
  return spawnLogged(process.execPath, [o.cli, o.mode, ...files], o, 'sluice.log', flags, repoRoot)
}

/** Waits for `child`'s REST API; a worker that does not come up is stopped and the error rethrown. */
export async function whenAnswering<C extends WorkerChild>(child: C, timeoutMs: number): Promise<C> {
  try {
    await waitReady(child.proc, child.url, child.logFile, timeoutMs)
  } catch (err) {
    await child.stop()
    throw err
  }
  return child
}
