/**
 * The Connect group's member metadata and assignment blobs (Kafka's `ConnectProtocol` for `default` and
 * `IncrementalCooperativeConnectProtocol` for `compatible` / `sessioned`), byte for byte, so Sluice and
 * Java workers can be members of one group and either can be leader. Classic (non-flexible) Kafka types:
 * STRING = int16 length + UTF-8, BYTES and ARRAY = int32 length, -1 for null.
 */

/** The sub-protocols of protocol type `connect`, in Java's order of preference. */
export type ConnectProtocolName = 'sessioned' | 'compatible' | 'default'

/** `connect.protocol` → the header version its blobs carry. */
export const PROTOCOL_VERSION: Readonly<Record<ConnectProtocolName, 0 | 1 | 2>> = {
  default: 0,
  compatible: 1,
  sessioned: 2,
}

/** What a worker offers in JoinGroup for its `connect.protocol` (eager offers only `default`). */
export function offeredProtocols(configured: ConnectProtocolName): ConnectProtocolName[] {
  if (configured === 'sessioned') return ['sessioned', 'compatible', 'default']
  if (configured === 'compatible') return ['compatible', 'default']
  return ['default']
}

/** Connectors and their task numbers; the connector itself is the `-1` entry of Java's wire list. */
export interface ConnectorsAndTasks {
  readonly connectors: readonly string[]
  readonly tasks: ReadonlyArray<{ readonly connector: string; readonly task: number }>
}

export const EMPTY_ASSIGNMENT_ITEMS: ConnectorsAndTasks = { connectors: [], tasks: [] }

export const ASSIGNMENT_NO_ERROR = 0
export const ASSIGNMENT_CONFIG_MISMATCH = 1

/** Member metadata (JoinGroup protocol metadata). */
export interface WorkerMetadata {
  readonly version: number
  /** Advertised REST URL, ending in `/`. */
  readonly url: string
  /** Config offset: last consumed config record's offset + 1, -1 before any record. */
  readonly configOffset: bigint
  /** The member's current merged assignment (V1/V2 only); null before the first one. */
  readonly allocation: ConnectAssignment | null
}

/** An assignment (SyncGroup member assignment). */
export interface ConnectAssignment {
  readonly version: number
  readonly error: number
  readonly leader: string
  readonly leaderUrl: string
  readonly configOffset: bigint
  readonly assigned: ConnectorsAndTasks
  /** V1/V2: revoked items (Java writes `[]`, reads null as empty). */
  readonly revoked: ConnectorsAndTasks
  /** V1/V2: ms until the leader expects a follow-up rebalance. */
  readonly delay: number
}

class BlobWriter {
  readonly #parts: Buffer[] = []
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
  int64(v: bigint): this {
    const b = Buffer.alloc(8)
    b.writeBigInt64BE(v)
    this.#parts.push(b)
    return this
  }
  string(v: string): this {
    const s = Buffer.from(v, 'utf8')
    if (s.length > 0x7fff) throw new RangeError(`string of ${s.length} bytes does not fit a Kafka STRING`)
    this.int16(s.length)
    this.#parts.push(s)
    return this
  }
  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1)
    this.int32(v.length)
    this.#parts.push(v)
    return this
  }
  bytes(): Buffer {
    return Buffer.concat(this.#parts)
  }
}

class BlobReader {
  #pos = 0
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  get remaining(): number {
    return this.buf.length - this.#pos
  }
  #need(n: number): void {
    if (this.#pos + n > this.buf.length)
      throw new RangeError(
        `${this.what}: truncated at byte ${this.#pos} (needs ${n} more, has ${this.remaining})`,
      )
  }
  int16(): number {
    this.#need(2)
    const v = this.buf.readInt16BE(this.#pos)
    this.#pos += 2
    return v
  }
  int32(): number {
    this.#need(4)
    const v = this.buf.readInt32BE(this.#pos)
    this.#pos += 4
    return v
  }
  int64(): bigint {
    this.#need(8)
    const v = this.buf.readBigInt64BE(this.#pos)
    this.#pos += 8
    return v
  }
  string(): string {
    const n = this.int16()
    if (n < 0) throw new RangeError(`${this.what}: null STRING at byte ${this.#pos - 2}`)
    this.#need(n)
    const v = this.buf.toString('utf8', this.#pos, this.#pos + n)
    this.#pos += n
    return v
  }
  nullableBytes(): Buffer | null {
    const n = this.int32()
    if (n < 0) return null
    this.#need(n)
    const v = this.buf.subarray(this.#pos, this.#pos + n)
    this.#pos += n
    return v
  }
}

/**
 * Groups items into Java's wire list: per connector, `-1` (the connector itself) first, then its tasks.
 * Connectors appear in first-seen order (connectors, then tasks' connectors); tasks ascending.
 */
function toWire(items: ConnectorsAndTasks): Array<[string, number[]]> {
  const byConnector = new Map<string, number[]>()
  for (const c of items.connectors) byConnector.set(c, [-1])
  for (const t of items.tasks) {
    let list = byConnector.get(t.connector)
    if (list === undefined) {
      list = []
      byConnector.set(t.connector, list)
    }
    list.push(t.task)
  }
  for (const list of byConnector.values()) list.sort((a, b) => a - b)
  return [...byConnector.entries()]
}

function writeItems(w: BlobWriter, items: ConnectorsAndTasks): void {
  const wire = toWire(items)
  w.int32(wire.length)
  for (const [connector, ids] of wire) {
    w.string(connector)
    w.int32(ids.length)
    for (const id of ids) w.int32(id)
  }
}

function readItems(r: BlobReader): ConnectorsAndTasks {
  const n = r.int32()
  if (n < 0) return EMPTY_ASSIGNMENT_ITEMS
  const connectors: string[] = []
  const tasks: Array<{ connector: string; task: number }> = []
  for (let i = 0; i < n; i++) {
    const connector = r.string()
    const m = r.int32()
    for (let j = 0; j < m; j++) {
      const id = r.int32()
      if (id === -1) connectors.push(connector)
      else tasks.push({ connector, task: id })
    }
  }
  return { connectors, tasks }
}

/** Encodes an assignment with the header `version` (0 = eager layout, no revoked/delay). */
export function encodeAssignment(a: ConnectAssignment): Buffer {
  const w = new BlobWriter()
    .int16(a.version)
    .int16(a.error)
    .string(a.leader)
    .string(a.leaderUrl)
    .int64(a.configOffset)
  writeItems(w, a.assigned)
  if (a.version >= 1) {
    writeItems(w, a.revoked)
    w.int32(a.delay)
  }
  return w.bytes()
}

/** Decodes an assignment of any version ≥ 0; missing trailing fields default to empty / 0. */
export function decodeAssignment(buf: Buffer): ConnectAssignment {
  const r = new BlobReader(buf, 'Connect assignment')
  const version = r.int16()
  if (version < 0) throw new RangeError(`Connect assignment: unsupported version ${version}`)
  const error = r.int16()
  const leader = r.string()
  const leaderUrl = r.string()
  const configOffset = r.int64()
  const assigned = readItems(r)
  let revoked = EMPTY_ASSIGNMENT_ITEMS
  let delay = 0
  if (version >= 1 && r.remaining > 0) {
    revoked = readItems(r)
    if (r.remaining >= 4) delay = r.int32()
  }
  return { version, error, leader, leaderUrl, configOffset, assigned, revoked, delay }
}

/** Encodes member metadata; the allocation is re-encoded with the metadata's header version. */
export function encodeMetadata(m: WorkerMetadata): Buffer {
  const w = new BlobWriter().int16(m.version).string(m.url).int64(m.configOffset)
  if (m.version >= 1)
    w.nullableBytes(m.allocation === null ? null : encodeAssignment({ ...m.allocation, version: m.version }))
  return w.bytes()
}

/** Decodes member metadata of any version ≥ 0. */
export function decodeMetadata(buf: Buffer): WorkerMetadata {
  const r = new BlobReader(buf, 'Connect member metadata')
  const version = r.int16()
  if (version < 0) throw new RangeError(`Connect member metadata: unsupported version ${version}`)
  const url = r.string()
  const configOffset = r.int64()
  let allocation: ConnectAssignment | null = null
  if (version >= 1 && r.remaining > 0) {
    const bytes = r.nullableBytes()
    allocation = bytes === null ? null : decodeAssignment(bytes)
  }
  return { version, url, configOffset, allocation }
}
