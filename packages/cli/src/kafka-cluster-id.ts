import net from 'node:net'

/**
 * The Kafka cluster id for `GET /` (Kafka Connect's `WorkerConfig.lookupKafkaClusterId`, which asks an
 * admin client to describe the cluster). The Kafka client binding does not expose the cluster id, so this
 * sends one Metadata request (v4, no topics) to the first bootstrap broker that answers.
 */

const METADATA_API = 3
const METADATA_VERSION = 4

function request(correlationId: number): Buffer {
  const clientId = Buffer.from('sluice-cluster-id')
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1)
  let o = 0
  o = body.writeInt16BE(METADATA_API, o)
  o = body.writeInt16BE(METADATA_VERSION, o)
  o = body.writeInt32BE(correlationId, o)
  o = body.writeInt16BE(clientId.length, o)
  o += clientId.copy(body, o)
  o = body.writeInt32BE(0, o) // topics: none (an empty array, not null = all topics)
  body.writeInt8(0, o) // allow_auto_topic_creation
  const frame = Buffer.alloc(4)
  frame.writeInt32BE(body.length)
  return Buffer.concat([frame, body])
}

/** Reads `cluster_id` from a Metadata v4 response body (after the correlation id). */
export function clusterIdFromMetadataResponse(body: Buffer): string | null {
  let o = 4 // throttle_time_ms
  const brokers = body.readInt32BE(o)
  o += 4
  for (let i = 0; i < brokers; i++) {
    o += 4 // node_id
    o += 2 + body.readInt16BE(o) // host
    o += 4 // port
    const rack = body.readInt16BE(o)
    o += 2 + Math.max(0, rack)
  }
  const len = body.readInt16BE(o)
  return len < 0 ? null : body.toString('utf8', o + 2, o + 2 + len)
}

function ask(host: string, port: number, timeoutMs: number): Promise<string | null> {
  const correlationId = Math.floor(Math.random() * 0x7fffffff)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let buf = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`${host}:${port} did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('connect', () => socket.write(request(correlationId)))
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return
      clearTimeout(timer)
      socket.end()
      const response = buf.subarray(4, 4 + buf.readInt32BE(0))
      if (response.readInt32BE(0) !== correlationId) reject(new Error('correlation id mismatch'))
      else resolve(clusterIdFromMetadataResponse(response.subarray(4)))
    })
  })
}

/**
 * Asks the bootstrap brokers (`host:port,...`) for the cluster id.
 * @throws Error naming every broker tried when none answers
 */
export async function lookupKafkaClusterId(
  bootstrapServers: string,
  timeoutMs = 10_000,
): Promise<string | null> {
  const reasons: string[] = []
  for (const raw of bootstrapServers.split(',')) {
    const s = raw.trim().replace(/^[A-Za-z_]+:\/\//, '')
    const i = s.lastIndexOf(':')
    if (s === '' || i <= 0) continue
    const host = s.slice(0, i).replace(/^\[|\]$/g, '')
    const port = Number(s.slice(i + 1))
    try {
      return await ask(host, port, timeoutMs)
    } catch (err) {
      reasons.push(`${s}: ${(err as Error).message}`)
    }
  }
  throw new Error(`Failed to connect to and describe Kafka cluster (${reasons.join('; ')})`)
}
