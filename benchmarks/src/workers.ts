import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { kafkaDist, repoRoot, sluiceCli } from './env.js'
import { type Child, cpuSeconds, memory, sleep, spawnChild, threadCpuSeconds } from './proc.js'
import { COMMON_WORKER_PROPS, CONNECT_HEAP } from './settings.js'

export type Runtime = 'java' | 'sluice'

/** A running standalone Connect worker (Java Kafka Connect or `sluice standalone`). */
export interface ConnectWorker {
  readonly runtime: Runtime
  readonly child: Child
  readonly url: string
  /** Milliseconds from spawning the process to the first 200 of `GET /health`. */
  readonly restReadyMs: number
  /** Creates a connector through REST (`POST /connectors`), as both runtimes accept. */
  createConnector(name: string, config: Record<string, string>): Promise<void>
  /** Waits until the connector and `tasks` tasks report RUNNING. */
  waitRunning(name: string, tasks: number, timeoutMs?: number): Promise<void>
  cpuSeconds(): number
  /** CPU seconds of the main thread (Sluice: where all Kafka I/O runs); NaN for Java. */
  mainThreadCpuSeconds(): number
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number
  stop(): Promise<void>
}

export interface WorkerOptions {
  readonly runtime: Runtime
  /** Folder of this run: worker.properties, the offsets file and the log go here. */
  readonly dir: string
  readonly bootstrap: string
  /** Extra Node flags for the Sluice worker (e.g. `--cpu-prof`). */
  readonly nodeFlags?: readonly string[]
  /** Extra worker properties (e.g. `plugin.path` for a Java connector under test). */
  readonly extraProps?: Readonly<Record<string, string>>
}

/** A free TCP port on 127.0.0.1, so runs never clash with another engineer's worker on :8083. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/**
 * Extra Sluice worker keys from SLUICE_BENCH_SLUICE_PROPS (`k=v,k=v`), for A/B runs of one feature, e.g.
 * `telemetry.metrics.prometheus.enable=false` against the default (see benchmarks/README.md, Telemetry).
 */
function sluiceExtraProps(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of (process.env.SLUICE_BENCH_SLUICE_PROPS ?? '').split(',')) {
    const i = pair.indexOf('=')
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim()
  }
  return out
}

function writeProps(file: string, props: Readonly<Record<string, string>>): string {
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  )
  return file
}

async function javaCommand(dir: string, props: string): Promise<[string, string[]]> {
  const dist = await kafkaDist()
  const log4j = dist.writeLog4jConfig(path.join(dir, 'connect-log4j2.properties'), {
    // Kafka's connect-log4j2.yaml logs INFO; the client loggers are as chatty per run on both sides.
    quiet: ['org.apache.kafka.clients', 'org.reflections'],
  })
  return [
    'java',
    [
      // What bin/connect-standalone.sh + kafka-run-class.sh put on the command line.
      ...CONNECT_HEAP,
      ...dist.JVM_PERFORMANCE_OPTS,
      `-Dkafka.logs.dir=${dir}`,
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      dist.classpath(),
      'org.apache.kafka.connect.cli.ConnectStandalone',
      props,
    ],
  ]
}

function sluiceCommand(props: string, nodeFlags: readonly string[]): [string, string[]] {
  const cli = sluiceCli()
  if (cli.file === undefined) throw new Error(`cannot run Sluice: ${cli.reason}`)
  return [process.execPath, [...nodeFlags, cli.file, 'standalone', props]]
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) })
  const text = await r.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Jetty's HTML 404 page before Connect's resources exist.
  }
  return { status: r.status, body }
}

/** Starts a standalone worker with no connectors; resolves once its REST API answers. */
export async function startWorker(opts: WorkerOptions): Promise<ConnectWorker> {
  mkdirSync(opts.dir, { recursive: true })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const props = writeProps(path.join(opts.dir, 'worker.properties'), {
    'bootstrap.servers': opts.bootstrap,
    ...COMMON_WORKER_PROPS,
    'offset.storage.file.filename': path.join(opts.dir, 'connect.offsets'),
    listeners: `http://127.0.0.1:${port}`,
    ...(opts.runtime === 'sluice' ? sluiceExtraProps() : {}),
    ...opts.extraProps,
  })
  const [cmd, args] =
    opts.runtime === 'java' ? await javaCommand(opts.dir, props) : sluiceCommand(props, opts.nodeFlags ?? [])
  const child = spawnChild(`${opts.runtime} worker`, cmd, args, path.join(opts.dir, 'worker.log'), {
    cwd: opts.runtime === 'sluice' ? repoRoot : opts.dir,
  })
  let restReadyMs: number
  try {
    const deadline = Date.now() + 120_000
    for (;;) {
      if (!child.running())
        throw new Error(
          `${opts.runtime} worker exited during start-up; log ${child.logFile}:\n${child.tail()}`,
        )
      try {
        // Ready means ready to take connectors: GET /health (KIP-1017) answers 200 only then, on both
        // runtimes. Before that Java's Jetty answers 404 and Sluice 503 "Worker is still starting up."
        if ((await getJson(`${url}/health`)).status === 200) break
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline)
        throw new Error(`${opts.runtime} worker REST did not answer within 120 s; log:\n${child.tail()}`)
      await sleep(25)
    }
    restReadyMs = performance.now() - child.startedAt
  } catch (err) {
    await child.stop()
    throw err
  }

  return {
    runtime: opts.runtime,
    child,
    url,
    restReadyMs,
    async createConnector(name, config) {
      const r = await fetch(`${url}/connectors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, config: { name, ...config } }),
        signal: AbortSignal.timeout(60_000),
      })
      if (r.status !== 201 && r.status !== 200)
        throw new Error(`${opts.runtime}: POST /connectors ${name} answered ${r.status}: ${await r.text()}`)
    },
    async waitRunning(name, tasks, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      let last: unknown
      for (;;) {
        try {
          const { status, body } = await getJson(`${url}/connectors/${encodeURIComponent(name)}/status`)
          last = body
          const s = body as {
            connector?: { state?: string }
            tasks?: Array<{ state?: string; trace?: string }>
          }
          if (status === 200 && s.connector?.state === 'RUNNING') {
            const states = s.tasks ?? []
            const failed = states.find((t) => t.state === 'FAILED')
            if (failed) throw new Error(`${opts.runtime}: task of ${name} FAILED: ${failed.trace ?? ''}`)
            if (states.length >= tasks && states.every((t) => t.state === 'RUNNING')) return
          }
        } catch (err) {
          if ((err as Error).message.includes('FAILED')) throw err
        }
        if (Date.now() > deadline)
          throw new Error(
            `${opts.runtime}: ${name} not RUNNING within ${timeoutMs} ms: ${JSON.stringify(last)}`,
          )
        await sleep(50)
      }
    },
    cpuSeconds: () => cpuSeconds(child.pid) ?? Number.NaN,
    mainThreadCpuSeconds: () =>
      opts.runtime === 'sluice' ? (threadCpuSeconds(child.pid, child.pid) ?? Number.NaN) : Number.NaN,
    peakRssBytes: () => memory(child.pid)?.peak ?? Number.NaN,
    async stop() {
      await child.stop()
    },
  }
}
