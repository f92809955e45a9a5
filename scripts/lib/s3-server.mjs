// A local S3-compatible server for tests and demos: versitygw (posix backend) built once from the Go
// module proxy into the per-user cache, started on a free loopback port with fixed local credentials and
// a bucket. Start is idempotent (a live server we started is reused; a stale pid file is cleaned up).
// Readiness means the server answers a signed CreateBucket for the default bucket.
import { spawn } from 'node:child_process'
import { createHash, createHmac } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { cacheDir, runDir } from './paths.mjs'
import { log, run } from './proc.mjs'
import { acquireLock, isAlive, sleep, terminate } from './process-lock.mjs'

export const VERSITYGW_VERSION = 'v1.8.0'
export const HOST = '127.0.0.1'
/** Local-only credentials of the root account (the server listens on loopback only). */
export const ACCESS_KEY = 'sluice-access-key'
export const SECRET_KEY = 'sluice-secret-key'
export const REGION = 'us-east-1'
export const DEFAULT_BUCKET = 'sluice'

/** Where the built binary and the Go caches live (per user, shared by every checkout). */
export function binaryPaths() {
  const go = path.join(cacheDir, 'go')
  return {
    binary: path.join(cacheDir, 'bin', `versitygw-${VERSITYGW_VERSION}`),
    gopath: path.join(go, 'path'),
    gomodcache: path.join(go, 'mod'),
    gocache: path.join(go, 'build'),
    lockDir: path.join(cacheDir, 'bin', `versitygw-${VERSITYGW_VERSION}.lock`),
  }
}

/** Run state of the server started by this checkout. */
export function serverPaths() {
  const dir = path.join(runDir, 's3')
  return {
    dir,
    data: path.join(dir, 'data'),
    iam: path.join(dir, 'iam'),
    log: path.join(dir, 'server.log'),
    pidFile: path.join(dir, 'server.pid'),
    stateFile: path.join(dir, 'server.json'),
  }
}

/**
 * The versitygw binary, built from the Go module proxy on first use (about 4 minutes cold on 2 cores).
 * The module and build caches stay under the cache folder too, so a rebuild after a Go upgrade is quick.
 */
export async function ensureBinary() {
  const b = binaryPaths()
  if (existsSync(b.binary)) return b.binary
  const release = await acquireLock(b.lockDir, 20 * 60_000, 'building versitygw', 500)
  try {
    if (existsSync(b.binary)) return b.binary
    const gobin = path.join(cacheDir, 'go', `bin-${process.pid}`)
    rmSync(gobin, { recursive: true, force: true })
    log(`building versitygw ${VERSITYGW_VERSION} from the Go module proxy (once; ~4 min cold) …`)
    const t0 = Date.now()
    await run('go', ['install', `github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}`], {
      env: {
        ...process.env,
        GOPATH: b.gopath,
        GOMODCACHE: b.gomodcache,
        GOCACHE: b.gocache,
        GOBIN: gobin,
        GOFLAGS: '-buildvcs=false',
        GOTOOLCHAIN: 'local',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }).catch((err) => {
      throw new Error(`${err.message}: is Go ≥ 1.24 installed and the Go module proxy reachable?`)
    })
    mkdirSync(path.dirname(b.binary), { recursive: true })
    // Rename last, so a half-built binary is never taken for a finished one.
    renameSync(path.join(gobin, 'versitygw'), b.binary)
    rmSync(gobin, { recursive: true, force: true })
    log(`built ${b.binary} in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    return b.binary
  } finally {
    release()
  }
}

function readState(p) {
  if (!existsSync(p.stateFile)) return null
  try {
    return JSON.parse(readFileSync(p.stateFile, 'utf8'))
  } catch {
    return null
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex')
const hmac = (key, data) => createHmac('sha256', key).update(data).digest()

/**
 * One AWS Signature V4 request with an empty body (enough for CreateBucket/HeadBucket/ListBuckets), so
 * this script needs no SDK: `fetch` plus node:crypto.
 */
export async function signedRequest(endpoint, method, pathname, { timeoutMs = 3000 } = {}) {
  const url = new URL(pathname, endpoint)
  const now = new Date()
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const payloadHash = sha256('')
  const headers = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate }
  const signed = Object.keys(headers).sort()
  // Canonical headers each end with a newline; the block is followed by one more (AWS's layout).
  const canonicalHeaders = signed.map((h) => `${h}:${headers[h]}\n`).join('')
  const canonicalRequest = `${method}\n${url.pathname}\n\n${canonicalHeaders}\n${signed.join(';')}\n${payloadHash}`
  const scope = `${day}/${REGION}/s3/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonicalRequest)}`
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET_KEY}`, day), REGION), 's3'), 'aws4_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  const authorization = `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`
  const res = await fetch(url, {
    method,
    headers: { ...headers, authorization },
    signal: AbortSignal.timeout(timeoutMs),
  })
  return { status: res.status, body: await res.text() }
}

/** Creates `bucket` unless it exists (versitygw answers 409 BucketAlreadyOwnedByYou then). */
export async function ensureBucket(endpoint, bucket) {
  const r = await signedRequest(endpoint, 'PUT', `/${bucket}`)
  if (r.status === 200 || (r.status === 409 && r.body.includes('BucketAlreadyOwnedByYou'))) return
  throw new Error(`CreateBucket ${bucket} failed with HTTP ${r.status}: ${r.body.slice(0, 300)}`)
}

/** What clients need: endpoint, credentials, region and the default bucket. */
function connection(state) {
  return {
    endpoint: `http://${HOST}:${state.port}`,
    port: state.port,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    region: REGION,
    bucket: DEFAULT_BUCKET,
    pid: state.pid,
  }
}

/** `{ state: 'running'|'stopped'|'unresponsive', … }` of the server this checkout started. */
export async function status() {
  const p = serverPaths()
  const state = readState(p)
  if (state === null || !isAlive(state.pid)) {
    return {
      state: 'stopped',
      detail: state !== null ? `stale state (pid ${state.pid} is gone)` : 'not started',
    }
  }
  try {
    const r = await signedRequest(`http://${HOST}:${state.port}`, 'GET', '/')
    if (r.status === 200) return { state: 'running', ...connection(state) }
    return { state: 'unresponsive', ...connection(state), detail: `ListBuckets answered HTTP ${r.status}` }
  } catch (err) {
    return { state: 'unresponsive', ...connection(state), detail: err.message }
  }
}

export function logTail(lines = 30) {
  const p = serverPaths()
  if (!existsSync(p.log)) return `(no server log at ${p.log})`
  return readFileSync(p.log, 'utf8')
    .split('\n')
    .slice(-lines - 1)
    .join('\n')
}

/**
 * Starts the server unless it already runs (building the binary first if needed); resolves with the
 * connection (`endpoint`, credentials, `bucket`) and `started`.
 */
export async function start({ timeoutMs = 30_000 } = {}) {
  const p = serverPaths()
  mkdirSync(p.dir, { recursive: true })
  const binary = await ensureBinary()
  const release = await acquireLock(path.join(p.dir, 'start.lock'), 60_000, 'starting the S3 server')
  try {
    const st = await status()
    if (st.state === 'running') return { started: false, ...st }
    if (st.state === 'unresponsive') {
      process.kill(st.pid, 'SIGKILL')
      while (isAlive(st.pid)) await sleep(50)
    }
    rmSync(p.stateFile, { force: true })
    rmSync(p.pidFile, { force: true })
    mkdirSync(p.data, { recursive: true })
    mkdirSync(p.iam, { recursive: true })
    const port = await freePort()
    const out = openSync(p.log, 'a')
    const t0 = Date.now()
    const child = spawn(binary, ['--port', `${HOST}:${port}`, '--iam-dir', p.iam, 'posix', p.data], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ROOT_ACCESS_KEY: ACCESS_KEY, ROOT_SECRET_KEY: SECRET_KEY },
    })
    closeSync(out)
    child.unref()
    const state = { pid: child.pid, port }
    writeFileSync(p.pidFile, `${child.pid}\n`)
    const endpoint = `http://${HOST}:${port}`
    const deadline = Date.now() + timeoutMs
    let last = 'not probed yet'
    for (;;) {
      if (!isAlive(child.pid)) {
        rmSync(p.pidFile, { force: true })
        throw new Error(`versitygw exited during start-up\n--- ${p.log} ---\n${logTail()}`)
      }
      try {
        await ensureBucket(endpoint, DEFAULT_BUCKET)
        break
      } catch (err) {
        last = err.message
      }
      if (Date.now() > deadline) {
        process.kill(child.pid, 'SIGKILL')
        rmSync(p.pidFile, { force: true })
        throw new Error(`versitygw did not answer within ${timeoutMs / 1000} s (last: ${last})\n${logTail()}`)
      }
      await sleep(100)
    }
    writeFileSync(p.stateFile, `${JSON.stringify(state)}\n`)
    return { started: true, readyMs: Date.now() - t0, state: 'running', ...connection(state) }
  } finally {
    release()
  }
}

/** Stops the server this checkout started (SIGTERM, then SIGKILL after `timeoutMs`). */
export async function stop({ timeoutMs = 10_000 } = {}) {
  const p = serverPaths()
  const state = readState(p)
  const pid = state?.pid ?? (existsSync(p.pidFile) ? Number(readFileSync(p.pidFile, 'utf8')) : null)
  if (!pid || !isAlive(pid)) {
    rmSync(p.stateFile, { force: true })
    rmSync(p.pidFile, { force: true })
    return { stopped: false }
  }
  const forced = await terminate(pid, timeoutMs, 50)
  rmSync(p.stateFile, { force: true })
  rmSync(p.pidFile, { force: true })
  return { stopped: true, pid, forced }
}

/** Deletes the stopped server's data (objects, IAM state, log). */
export function wipe() {
  const p = serverPaths()
  const state = readState(p)
  if (state !== null && isAlive(state.pid)) throw new Error('stop the S3 server before wiping its data')
  rmSync(p.dir, { recursive: true, force: true })
}
