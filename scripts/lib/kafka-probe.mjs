// Asks a Kafka broker whether it serves requests, speaking the wire protocol directly so the check works
// before the workspace (and its Kafka client) is built. An open port is not enough: the acceptor binds
// before request processing is enabled, so we require an ApiVersions answer and a Metadata answer that
// lists at least one broker and a controller.
import net from 'node:net'

const API_METADATA = 3
const API_VERSIONS = 18
const CLIENT_ID = 'sluice-probe'

function request(apiKey, apiVersion, correlationId, body) {
  const client = Buffer.from(CLIENT_ID)
  const header = Buffer.alloc(2 + 2 + 4 + 2)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(apiVersion, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(client.length, 8)
  const payload = Buffer.concat([header, client, body])
  const size = Buffer.alloc(4)
  size.writeInt32BE(payload.length, 0)
  return Buffer.concat([size, payload])
}

/** Sends requests in order over one connection and resolves with each response body (after the correlation id). */
function exchange(host, port, requests, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    const responses = []
    let buf = Buffer.alloc(0)
    let next = 0
    const timer = setTimeout(
      () => fail(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    )
    function fail(err) {
      clearTimeout(timer)
      socket.destroy()
      reject(err)
    }
    function sendNext() {
      const r = requests[next]
      if (!r) {
        clearTimeout(timer)
        socket.end()
        resolve(responses)
        return
      }
      socket.write(r(responses))
    }
    socket.on('connect', sendNext)
    socket.on('error', (err) => fail(new Error(`cannot reach ${host}:${port}: ${err.message}`)))
    socket.on('close', () => {
      if (next < requests.length) fail(new Error(`${host}:${port} closed the connection before answering`))
    })
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0)
        if (buf.length < 4 + size) return
        const body = buf.subarray(4, 4 + size)
        buf = buf.subarray(4 + size)
        if (body.readInt32BE(0) !== next + 1) return fail(new Error('response correlation id mismatch'))
        responses.push(body.subarray(4))
        next++
        sendNext()
      }
    })
  })
}

function readString(body, pos) {
  const len = body.readInt16BE(pos)
  if (len < 0) return [null, pos + 2]
  return [body.toString('utf8', pos + 2, pos + 2 + len), pos + 2 + len]
}

function parseApiVersions(body) {
  const errorCode = body.readInt16BE(0)
  if (errorCode !== 0) throw new Error(`ApiVersions answered error code ${errorCode}`)
  const n = body.readInt32BE(2)
  const apis = new Map()
  for (let i = 0, pos = 6; i < n; i++, pos += 6) {
    apis.set(body.readInt16BE(pos), { min: body.readInt16BE(pos + 2), max: body.readInt16BE(pos + 4) })
  }
  return apis
}

// Metadata v4..v8 share the non-flexible layout parsed here (v0-v3 are gone from Kafka 4).
function parseMetadata(body) {
  let pos = 4 // throttle_time_ms
  const brokerCount = body.readInt32BE(pos)
  pos += 4
  const brokers = []
  for (let i = 0; i < brokerCount; i++) {
    const nodeId = body.readInt32BE(pos)
    let host
    ;[host, pos] = readString(body, pos + 4)
    const port = body.readInt32BE(pos)
    ;[, pos] = readString(body, pos + 4) // rack
    brokers.push({ nodeId, host, port })
  }
  let clusterId
  ;[clusterId, pos] = readString(body, pos)
  const controllerId = body.readInt32BE(pos)
  return { brokers, clusterId, controllerId }
}

/**
 * Resolves with `{ brokers, clusterId, controllerId, apiCount }` when the broker at `host:port` answers
 * ApiVersions and Metadata with at least one broker and a controller; rejects with the reason otherwise.
 */
export async function probeBroker(host, port, { timeoutMs = 5000 } = {}) {
  let apis
  const [versions, metadata] = await exchange(
    host,
    port,
    [
      () => request(API_VERSIONS, 0, 1, Buffer.alloc(0)),
      ([v]) => {
        apis = parseApiVersions(v)
        const range = apis.get(API_METADATA)
        if (!range || range.min > 8 || range.max < 4) {
          throw new Error(`broker does not support Metadata v4-v8 (${JSON.stringify(range)})`)
        }
        const version = Math.max(4, range.min)
        const body = Buffer.alloc(5)
        body.writeInt32BE(-1, 0) // all topics
        body.writeInt8(0, 4) // allow_auto_topic_creation
        return request(API_METADATA, version, 2, body)
      },
    ],
    timeoutMs,
  )
  if (!versions || !metadata) throw new Error('incomplete answer')
  const md = parseMetadata(metadata)
  if (md.brokers.length === 0) throw new Error('metadata lists no brokers yet')
  if (md.controllerId < 0) throw new Error('metadata names no controller yet')
  return { ...md, apiCount: apis.size }
}

/** Parses `host:port[,host:port...]` into a list of `{ host, port }`. */
export function parseBootstrap(servers) {
  return servers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(?:[A-Za-z_]+:\/\/)?\[?([^\]]+?)\]?:(\d+)$/.exec(s)
      if (!m) throw new Error(`bootstrap server "${s}" is not host:port`)
      return { host: m[1], port: Number(m[2]) }
    })
}

/** Probes each bootstrap server in turn; resolves with the first answer or rejects with every reason. */
export async function probeCluster(servers, opts) {
  const reasons = []
  for (const { host, port } of parseBootstrap(servers)) {
    try {
      return await probeBroker(host, port, opts)
    } catch (err) {
      reasons.push(`${host}:${port}: ${err.message}`)
    }
  }
  throw new Error(reasons.join('; '))
}
