// The real servers the telemetry tests talk to: a Prometheus server (Debian's `prometheus` package,
// installed with apt-get when missing) that scrapes a worker, and an OpenTelemetry Collector built from
// the Go module proxy with the OpenTelemetry Collector Builder (scripts/otelcol/manifest.yaml: the OTLP
// receiver and the debug exporter) and cached in $SLUICE_CACHE_DIR/bin, like the other built servers.
// Each server runs on a free loopback port with its data and log under the run folder, as a child of
// the caller, who stops it.
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { cacheDir, root, runDir } from './paths.mjs'
import { log } from './proc.mjs'

export const PROMETHEUS_BIN = process.env.SLUICE_PROMETHEUS_BIN ?? '/usr/bin/prometheus'
const OCB_VERSION = 'v0.165.0'
export const OTELCOL_BIN = path.join(cacheDir, 'bin', 'otelcol-sluice-0.165.0')

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitHttp(url, what, timeoutMs, child, logFile) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}); see ${logFile}`)
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not ready at ${url} after ${timeoutMs / 1000} s; see ${logFile}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

function startChild(bin, args, logFile) {
  const out = openLog(logFile)
  const child = spawn(bin, args, { stdio: ['ignore', out, out] })
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)))
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    },
  }
}

function openLog(file) {
  mkdirSync(path.dirname(file), { recursive: true })
  // A file descriptor the child writes to directly: its output does not depend on the caller's loop.
  return openSync(file, 'w')
}

/** Stops a server and removes its run folder (kept with SLUICE_KEEP_RUN=1, for looking at logs). */
async function stopAndClean(proc, dir) {
  await proc.stop()
  if (process.env.SLUICE_KEEP_RUN !== '1') rmSync(dir, { recursive: true, force: true })
}

// ---- Prometheus -------------------------------------------------------------------------------

/** Installs Debian's prometheus package when its binary is missing (root, as the project's setup is). */
export function ensurePrometheus() {
  if (existsSync(PROMETHEUS_BIN)) return PROMETHEUS_BIN
  log('installing Debian package prometheus (apt-get)')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
    stdio: 'inherit',
    env,
  })
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env })
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], {
      stdio: 'inherit',
      env,
    })
  }
  if (r.status !== 0 || !existsSync(PROMETHEUS_BIN))
    throw new Error(
      `could not install prometheus with apt-get (exit ${r.status}); install the Debian package prometheus`,
    )
  // Debian's package starts a system service on :9090; the tests run their own server, not that one.
  spawnSync('systemctl', ['disable', '--now', 'prometheus'], { stdio: 'ignore' })
  return PROMETHEUS_BIN
}

/**
 * Starts Prometheus scraping `targets` (host:port, path /metrics) every `intervalMs`.
 * @returns {{ url: string, dir: string, stop: () => Promise<void>, query: (q: string) => Promise<any[]> }}
 */
export async function startPrometheus({ targets, intervalMs = 1000, name = 'prometheus' }) {
  const bin = ensurePrometheus()
  const port = await freePort()
  const dir = path.join(runDir, `${name}-${port}`)
  mkdirSync(path.join(dir, 'data'), { recursive: true })
  const config = path.join(dir, 'prometheus.yml')
  const s = `${Math.max(1, Math.round(intervalMs / 1000))}s`
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${s}`,
      `  evaluation_interval: ${s}`,
      'scrape_configs:',
      '  - job_name: sluice',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  )
  const logFile = path.join(dir, 'prometheus.log')
  const proc = startChild(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    logFile,
  )
  const url = `http://127.0.0.1:${port}`
  try {
    await waitHttp(`${url}/-/ready`, 'prometheus', 30_000, proc.child, logFile)
  } catch (err) {
    await proc.stop()
    throw err
  }
  return {
    url,
    dir,
    logFile,
    pid: proc.child.pid,
    stop: () => stopAndClean(proc, dir),
    /** An instant PromQL query; the result vector (throws on a query error). */
    query: async (q) => {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)
      const body = await r.json()
      if (body.status !== 'success') throw new Error(`PromQL ${q}: ${body.error ?? r.status}`)
      return body.data.result
    },
    /** Scrape targets and their health. */
    targets: async () => (await (await fetch(`${url}/api/v1/targets`)).json()).data.activeTargets,
  }
}

// ---- OpenTelemetry Collector ----------------------------------------------------------------------

/**
 * Builds the collector once (ocb from the Go module proxy, then ocb builds scripts/otelcol/manifest.yaml)
 * at low priority, into the cache. Takes ~9 minutes cold on 2 cores; later runs reuse the binary.
 */
export function ensureOtelcol() {
  if (existsSync(OTELCOL_BIN)) return OTELCOL_BIN
  const work = path.join(cacheDir, 'otelcol-build')
  mkdirSync(work, { recursive: true })
  const gobin = path.join(work, 'gobin')
  const env = { ...process.env, GOBIN: gobin, GOFLAGS: '-buildvcs=false' }
  log(`building the OpenTelemetry Collector Builder ${OCB_VERSION} (go install, nice -n 19)`)
  let r = spawnSync(
    'nice',
    ['-n', '19', 'go', 'install', `go.opentelemetry.io/collector/cmd/builder@${OCB_VERSION}`],
    {
      stdio: 'inherit',
      env,
    },
  )
  if (r.status !== 0)
    throw new Error(
      'go install of the OpenTelemetry Collector Builder failed (see above); Go 1.25+ is needed',
    )
  const manifest = readFileSync(path.join(root, 'scripts', 'otelcol', 'manifest.yaml'), 'utf8').replace(
    /^dist:\n/m,
    `dist:\n  output_path: ${path.join(work, 'src')}\n`,
  )
  const m = path.join(work, 'manifest.yaml')
  writeFileSync(m, manifest)
  log('building the OpenTelemetry Collector (ocb, nice -n 19)')
  r = spawnSync('nice', ['-n', '19', path.join(gobin, 'builder'), '--config', m], { stdio: 'inherit', env })
  const built = path.join(work, 'src', 'otelcol-sluice')
  if (r.status !== 0 || !existsSync(built))
    throw new Error('building the OpenTelemetry Collector failed (see above)')
  mkdirSync(path.dirname(OTELCOL_BIN), { recursive: true })
  copyFileSync(built, OTELCOL_BIN)
  return OTELCOL_BIN
}

/**
 * Starts the collector with an OTLP/HTTP receiver on a free port; traces and metrics go to the debug
 * exporter (detailed), i.e. to its log, which {@link parseDebugSpans} reads.
 */
export async function startOtelcol({ name = 'otelcol', verbosity = 'detailed' } = {}) {
  const bin = ensureOtelcol()
  const port = await freePort()
  const dir = path.join(runDir, `${name}-${port}`)
  mkdirSync(dir, { recursive: true })
  const config = path.join(dir, 'config.yaml')
  writeFileSync(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'exporters:',
      '  debug:',
      `    verbosity: ${verbosity}`,
      'service:',
      '  telemetry:',
      '    metrics:',
      '      level: none',
      '  pipelines:',
      '    traces:',
      '      receivers: [otlp]',
      '      exporters: [debug]',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [debug]',
      '',
    ].join('\n'),
  )
  const logFile = path.join(dir, 'otelcol.log')
  const proc = startChild(bin, ['--config', config], logFile)
  const endpoint = `http://127.0.0.1:${port}`
  // The OTLP/HTTP receiver answers 405 to GET on its paths once it listens: any HTTP answer means ready.
  const deadline = Date.now() + 30_000
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`otelcol exited (${proc.child.exitCode}); see ${logFile}`)
    try {
      await fetch(`${endpoint}/v1/traces`)
      break
    } catch {
      if (Date.now() > deadline) {
        await proc.stop()
        throw new Error(`otelcol not listening on ${endpoint} after 30 s; see ${logFile}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  return {
    endpoint,
    dir,
    logFile,
    pid: proc.child.pid,
    stop: () => stopAndClean(proc, dir),
    spans: () => parseDebugSpans(readFileSync(logFile, 'utf8')),
    log: () => readFileSync(logFile, 'utf8'),
  }
}

/**
 * The spans in the debug exporter's detailed output: `{ traceId, parentId, id, name, kind, attributes,
 * instance }`, `instance` being the `service.instance.id` of the resource that sent the span (a Sluice
 * worker's id).
 * @param {string} text
 */
export function parseDebugSpans(text) {
  const spans = []
  // Each export is a log entry whose message starts with `ResourceSpans #0` (after the log prefix).
  for (const resource of text.split(/\bResourceSpans #\d+\n/).slice(1)) {
    const instance =
      /^\s*-> service\.instance\.id:\s+\w+\((.*)\)\s*$/m.exec(resource.split(/\nScopeSpans #/)[0])?.[1] ?? ''
    for (const span of parseSpanBlocks(resource)) spans.push({ ...span, instance })
  }
  return spans
}

function parseSpanBlocks(text) {
  const spans = []
  for (const block of text.split(/\nSpan #\d+\n/).slice(1)) {
    const field = (label) => new RegExp(`^\\s*${label}\\s*: ?(.*)$`, 'm').exec(block)?.[1]?.trim() ?? ''
    const attributes = {}
    const attrs = /\nAttributes:\n((?:\s+-> .*\n?)*)/.exec(block)
    if (attrs !== null)
      for (const line of attrs[1].split('\n')) {
        const m = /->\s+([^:]+):\s+\w+\((.*)\)\s*$/.exec(line)
        if (m !== null) attributes[m[1].trim()] = m[2]
      }
    spans.push({
      traceId: field('Trace ID'),
      parentId: field('Parent ID'),
      id: field('ID'),
      name: field('Name'),
      kind: field('Kind'),
      attributes,
    })
  }
  return spans
}
