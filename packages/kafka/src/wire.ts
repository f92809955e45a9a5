import net from 'node:net'

/**
 * A minimal Kafka wire-protocol client for the few admin requests `@confluentinc/kafka-javascript`
 * does not expose (DescribeConfigs, OffsetDelete). Only non-flexible request versions that Kafka 4
 * still supports are used, one request at a time on a short-lived connection: these back admin and
 * REST calls, never data paths.
 */

const CLIENT_ID = 'sluice-admin'

class Writer {
  readonly #parts: Buffer[] = []
  int8(v: number): this {
    const b = Buffer.alloc(1)
    b.writeInt8(v)
    this.#parts.push(b)
    return this
  }
  int16(v: number): this {
    const b = Buffer.alloc(2)
    b.writeInt16BE(v)
    this.#parts.push(b)
    return this
  }
  int32(v: number): this {
    const b = Buffer.alloc(4)
    b.writeInt32BE(v)
    this.#parts.push(b)
    return this
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1)
    const s = Buffer.from(v, 'utf8')
    this.int16(s.length)
    this.#parts.push(s)
    return this
  }
  array<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1)
    this.int32(items.length)
    for (const item of items) each(this, item)
    return this
  }
  bytes(): Buffer {
    return Buffer.concat(this.#parts)
  }
}

export class Reader {
  #pos = 0
  constructor(private readonly buf: Buffer) {}
  int8(): number {
    const v = this.buf.readInt8(this.#pos)
    this.#pos += 1
    return v
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.#pos)
    this.#pos += 2
    return v
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.#pos)
    this.#pos += 4
    return v
  }
  bool(): boolean {
    return this.int8() !== 0
  }
  string(): string | null {
    const len = this.int16()
    if (len < 0) return null
    const v = this.buf.toString('utf8', this.#pos, this.#pos + len)
    this.#pos += len
    return v
  }
  array<T>(each: (r: Reader) => T): T[] {
    const n = this.int32()
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(each(this))
    return out
  }
}

export interface BrokerAddress {
  readonly host: string
  readonly port: number
}

export function parseBootstrap(servers: string): BrokerAddress[] {
  return servers
    .split(',')
    .map((s) => s.trim().replace(/^[A-Za-z_]+:\/\//, ''))
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':')
      const port = Number(s.slice(i + 1))
      if (i <= 0 || !Number.isInteger(port)) throw new Error(`bootstrap server "${s}" is not host:port`)
      return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port }
    })
}

let correlation = 0

/** Sends one request and resolves with the response body (after the correlation id). */
export function send(
  broker: BrokerAddress,
  apiKey: number,
  apiVersion: number,
  body: (w: Writer) => void,
  timeoutMs = 10_000,
): Promise<Reader> {
  const id = ++correlation & 0x7fffffff
  const w = new Writer().int16(apiKey).int16(apiVersion).int32(id).string(CLIENT_ID)
  body(w)
  const payload = w.bytes()
  const frame = Buffer.alloc(4 + payload.length)
  frame.writeInt32BE(payload.length, 0)
  payload.copy(frame, 4)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: broker.host, port: broker.port })
    let buf = Buffer.alloc(0)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new Error(
          `Kafka at ${broker.host}:${broker.port} did not answer API ${apiKey} within ${timeoutMs} ms`,
        ),
      )
    }, timeoutMs)
    socket.on('connect', () => socket.write(frame))
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot reach Kafka at ${broker.host}:${broker.port}: ${err.message}`))
    })
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return
      clearTimeout(timer)
      socket.end()
      const response = buf.subarray(4, 4 + buf.readInt32BE(0))
      if (response.readInt32BE(0) !== id) reject(new Error('Kafka response correlation id mismatch'))
      else resolve(new Reader(response.subarray(4)))
    })
  })
}

/** Sends to the first bootstrap broker that answers. */
export async function sendAny(
  servers: string,
  apiKey: number,
  apiVersion: number,
  body: (w: Writer) => void,
): Promise<Reader> {
  const reasons: string[] = []
  for (const b of parseBootstrap(servers)) {
    try {
      return await send(b, apiKey, apiVersion, body)
    } catch (err) {
      reasons.push((err as Error).message)
    }
  }
  throw new Error(reasons.join('; '))
}

const API_METADATA = 3
const API_OFFSET_DELETE = 47
const API_FIND_COORDINATOR = 10
const API_DESCRIBE_CONFIGS = 32

/** Kafka's protocol error names for the codes admin calls branch on or report. */
const ERROR_NAMES: Record<number, string> = {
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  25: 'UNKNOWN_MEMBER_ID',
  30: 'GROUP_AUTHORIZATION_FAILED',
  69: 'GROUP_ID_NOT_FOUND',
  86: 'GROUP_SUBSCRIBED_TO_TOPIC',
}

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error code ${code}`
}

export class KafkaProtocolError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message)
    this.name = 'KafkaProtocolError'
  }
}

async function findGroupCoordinator(servers: string, groupId: string): Promise<BrokerAddress> {
  for (let attempt = 0; ; attempt++) {
    const r = await sendAny(servers, API_FIND_COORDINATOR, 1, (w) => w.string(groupId).int8(0))
    r.int32() // throttle
    const code = r.int16()
    const message = r.string()
    r.int32() // node id
    const host = r.string()
    const port = r.int32()
    if (code === 0 && host !== null) return { host, port }
    // The coordinator may still be loading right after the broker starts.
    if ((code === 14 || code === 15) && attempt < 20) {
      await new Promise((res) => setTimeout(res, 250))
      continue
    }
    throw new KafkaProtocolError(
      `FindCoordinator for group ${groupId} failed: ${errorName(code)} ${message ?? ''}`,
      code,
    )
  }
}

/**
 * Deletes committed offsets of `partitions` for an empty consumer group (the admin client's
 * `deleteConsumerGroupOffsets`). A group that does not exist has nothing to delete.
 */
export async function deleteGroupPartitionOffsets(
  servers: string,
  groupId: string,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
): Promise<void> {
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
  const coordinator = await findGroupCoordinator(servers, groupId)
  const r = await send(coordinator, API_OFFSET_DELETE, 0, (w) =>
    w
      .string(groupId)
      .array([...byTopic], (w2, [topic, parts]) => w2.string(topic).array(parts, (w3, p) => w3.int32(p))),
  )
  const code = r.int16()
  r.int32()
  if (code === 69) return
  if (code !== 0)
    throw new KafkaProtocolError(`deleting offsets of group ${groupId} failed: ${errorName(code)}`, code)
  for (const t of r.array((rt) => ({
    name: rt.string(),
    parts: rt.array((rp) => ({ p: rp.int32(), code: rp.int16() })),
  }))) {
    for (const p of t.parts) {
      if (p.code !== 0) {
        throw new KafkaProtocolError(
          `deleting offset of ${t.name}-${p.p} in group ${groupId} failed: ${errorName(p.code)}`,
          p.code,
        )
      }
    }
  }
}

export interface ConfigEntry {
  readonly name: string
  readonly value: string | null
  readonly readOnly: boolean
  readonly source: number
  readonly sensitive: boolean
}

/** Kafka's `ConfigResource.Type` codes. */
export const RESOURCE_TOPIC = 2
export const RESOURCE_BROKER = 4

/** DescribeConfigs v1 for one resource; resolves with every entry (defaults included). */
export async function describeConfigs(
  servers: string,
  resourceType: number,
  name: string,
): Promise<ConfigEntry[]> {
  const r = await sendAny(servers, API_DESCRIBE_CONFIGS, 1, (w) =>
    w
      .array([name], (w2, n) =>
        w2
          .int8(resourceType)
          .string(n)
          .array(null, () => {}),
      )
      .int8(0),
  )
  r.int32() // throttle
  const results = r.array((rr) => {
    const code = rr.int16()
    const message = rr.string()
    rr.int8()
    rr.string()
    const configs = rr.array((rc) => {
      const entry = {
        name: rc.string() ?? '',
        value: rc.string(),
        readOnly: rc.bool(),
        source: rc.int8(),
        sensitive: rc.bool(),
      }
      rc.array((rs) => [rs.string(), rs.string(), rs.int8()])
      return entry
    })
    return { code, message, configs }
  })
  const res = results[0]
  if (res === undefined) throw new Error(`DescribeConfigs returned no result for ${name}`)
  if (res.code !== 0)
    throw new KafkaProtocolError(
      `DescribeConfigs ${name} failed: ${errorName(res.code)} ${res.message ?? ''}`,
      res.code,
    )
  return res.configs
}

/**
 * The cluster id (Kafka Connect's `lookupKafkaClusterId` for `GET /`), from a Metadata v4 request with no
 * topics to the first bootstrap broker that answers; the binding does not expose it.
 */
export async function clusterId(servers: string): Promise<string | null> {
  // An empty topic array (not null, which would mean every topic) keeps the answer small.
  const r = await sendAny(servers, API_METADATA, 4, (w) => w.int32(0).int8(0))
  r.int32() // throttle
  r.array((rb) => [rb.int32(), rb.string(), rb.int32(), rb.string()])
  return r.string()
}
