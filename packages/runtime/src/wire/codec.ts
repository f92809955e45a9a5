import type { MessagePort } from 'node:worker_threads'
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

/** Unpacks a message. Binary fields come back as Uint8Array views into `buf` (no copy). */
export function decode<T>(buf: ArrayBuffer | Uint8Array): T {
  return unpackr.unpack(buf instanceof Uint8Array ? buf : new Uint8Array(buf)) as T
}

/** Encodes `msg` and transfers it over `port`; the sender loses access to the bytes, never copies them. */
export function send(port: MessagePort, msg: unknown): void {
  const buf = encode(msg)
  port.postMessage(buf, [buf])
}

/** Views a Uint8Array as a Buffer without copying (the Kafka client wants Buffers). */
export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)
}
