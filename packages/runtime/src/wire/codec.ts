import type { MessagePort } from 'node:worker_threads'
import type { PackedRecords } from '@sluice/kafka'
import { Packr, Unpackr } from 'msgpackr'

// Record structures are embedded in each packed message (no shared structure table), so the two
// sides of a port never have to agree on state beyond the bytes of one message.
const packr = new Packr({ useRecords: true })
const unpackr = new Unpackr({ useRecords: true })

/**
 * Packs `msg` with msgpackr into a fresh ArrayBuffer that can be transferred. `pack()` returns a view
 * of msgpackr's reusable scratch buffer, so the bytes are copied once into memory of their own.
 */
export function encode(msg: unknown): ArrayBuffer {
  const packed = packr.pack(msg)
  const out = new Uint8Array(packed.length)
  out.set(packed)
  return out.buffer
}

/** A message with a packed record batch travels as `[head, batch buffer]`: see {@link send}. */
type WireMessage = ArrayBuffer | Uint8Array | readonly [ArrayBuffer, ArrayBuffer]

/**
 * Unpacks a message. Binary fields come back as Uint8Array views into `buf` (no copy); a packed record
 * batch gets its transferred buffer back.
 */
export function decode<T>(buf: WireMessage): T {
  if (Array.isArray(buf)) {
    const [head, batch] = buf as readonly [ArrayBuffer, ArrayBuffer]
    const msg = unpackr.unpack(new Uint8Array(head)) as { records: PackedRecords }
    msg.records = { length: msg.records.length, headerCount: msg.records.headerCount, buffer: batch }
    return msg as T
  }
  return unpackr.unpack(buf instanceof Uint8Array ? buf : new Uint8Array(buf as ArrayBuffer)) as T
}

function packedOf(msg: unknown): PackedRecords | undefined {
  const r = (msg as { records?: Partial<PackedRecords> }).records
  return r !== undefined && r.buffer instanceof ArrayBuffer ? (r as PackedRecords) : undefined
}

/**
 * Encodes `msg` and transfers it over `port`; the sender loses access to the bytes, never copies them.
 * A message carrying a packed record batch (`records: PackedRecords`) is sent as a small msgpackr head
 * plus the batch's own buffer, transferred as it is: records are never re-encoded between threads.
 */
export function send(port: MessagePort, msg: unknown): void {
  const packed = packedOf(msg)
  if (packed === undefined) {
    const buf = encode(msg)
    port.postMessage(buf, [buf])
    return
  }
  const head = encode({
    ...(msg as object),
    records: { length: packed.length, headerCount: packed.headerCount },
  })
  port.postMessage([head, packed.buffer], [head, packed.buffer])
}

/** Views a Uint8Array as a Buffer without copying (the Kafka client wants Buffers). */
export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)
}
