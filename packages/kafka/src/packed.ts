/**
 * The packed record batch: the one layout Kafka records have between the binding, the main thread and
 * the task threads (docs/adr/0019-batch-level-kafka-io.md). The patched binding's columnar consume
 * returns it and its batch produce takes it, so a batch crosses the native boundary and the thread
 * boundary as one transferred ArrayBuffer, never as per-record objects.
 *
 * One ArrayBuffer holds, in order:
 * - `nums`  Float64Array, {@link NUMS_PER_RECORD} per record: offset, timestamp (-1 = none)
 * - `ints`  Int32Array, {@link INTS_PER_RECORD} per record: topic index, partition (-1 = any), key length,
 *   value length, header count, timestamp type (0 none, 1 create time, 2 log-append time)
 * - `hlens` Int32Array, {@link INTS_PER_HEADER} per header: name length, value length
 * - `data`  bytes: per record its key, its value, then each header's name and value, back to back
 *
 * A length of -1 is null, 0 is empty. This module is pure: it never loads the binding, so task threads
 * may use it.
 */
export const INTS_PER_RECORD = 6
export const NUMS_PER_RECORD = 2
export const INTS_PER_HEADER = 2

/** A batch of records in the packed layout; `buffer` is transferable. */
export interface PackedRecords {
  /** Number of records. */
  readonly length: number
  readonly headerCount: number
  readonly buffer: ArrayBuffer
}

export interface PackedViews {
  readonly nums: Float64Array
  readonly ints: Int32Array
  readonly hlens: Int32Array
  readonly data: Uint8Array
}

/** Views into a packed batch's buffer (no copy). */
export function packedViews(p: PackedRecords): PackedViews {
  const numsBytes = p.length * NUMS_PER_RECORD * 8
  const intsBytes = p.length * INTS_PER_RECORD * 4
  const hlensBytes = p.headerCount * INTS_PER_HEADER * 4
  const dataAt = numsBytes + intsBytes + hlensBytes
  if (p.buffer.byteLength < dataAt) {
    throw new RangeError(
      `packed batch of ${p.length} records and ${p.headerCount} headers needs at least ${dataAt} bytes, ` +
        `its buffer has ${p.buffer.byteLength}`,
    )
  }
  return {
    nums: new Float64Array(p.buffer, 0, p.length * NUMS_PER_RECORD),
    ints: new Int32Array(p.buffer, numsBytes, p.length * INTS_PER_RECORD),
    hlens: new Int32Array(p.buffer, numsBytes + intsBytes, p.headerCount * INTS_PER_HEADER),
    data: new Uint8Array(p.buffer, dataAt),
  }
}

/** One record to pack; `headers` alternate names and values. */
export interface RecordToPack {
  readonly topic: number
  readonly partition: number
  readonly offset?: number
  readonly timestamp: number
  readonly timestampType?: number
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly headers: ReadonlyArray<string | Uint8Array | null> | null
}

const utf8 = new TextEncoder()

/**
 * Packs records into one buffer (two passes: sizes, then copies). Used where records do not come packed
 * from the binding: a source task's batch on its task thread, and consumed messages on the stock path.
 */
export function packRecords(records: readonly RecordToPack[]): PackedRecords {
  const n = records.length
  let headerCount = 0
  let dataLen = 0
  const names: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    dataLen += (r.key?.byteLength ?? 0) + (r.value?.byteLength ?? 0)
    const h = r.headers
    if (h !== null) {
      for (let j = 0; j < h.length; j += 2) {
        const name = utf8.encode(h[j] as string)
        names.push(name)
        dataLen += name.byteLength + ((h[j + 1] as Uint8Array | null)?.byteLength ?? 0)
        headerCount++
      }
    }
  }
  const packed: PackedRecords = {
    length: n,
    headerCount,
    buffer: new ArrayBuffer(
      n * (NUMS_PER_RECORD * 8 + INTS_PER_RECORD * 4) + headerCount * INTS_PER_HEADER * 4 + dataLen,
    ),
  }
  const { nums, ints, hlens, data } = packedViews(packed)
  let d = 0
  let hi = 0
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    const at = i * INTS_PER_RECORD
    ints[at] = r.topic
    ints[at + 1] = r.partition
    ints[at + 2] = r.key === null ? -1 : r.key.byteLength
    ints[at + 3] = r.value === null ? -1 : r.value.byteLength
    ints[at + 5] = r.timestampType ?? (r.timestamp >= 0 ? 1 : 0)
    nums[i * NUMS_PER_RECORD] = r.offset ?? -1
    nums[i * NUMS_PER_RECORD + 1] = r.timestamp
    if (r.key !== null) {
      data.set(r.key, d)
      d += r.key.byteLength
    }
    if (r.value !== null) {
      data.set(r.value, d)
      d += r.value.byteLength
    }
    const h = r.headers
    if (h !== null) {
      ints[at + 4] = h.length / 2
      for (let j = 0; j < h.length; j += 2) {
        const name = names[hi]!
        const value = h[j + 1] as Uint8Array | null
        data.set(name, d)
        d += name.byteLength
        hlens[hi * INTS_PER_HEADER] = name.byteLength
        hlens[hi * INTS_PER_HEADER + 1] = value === null ? -1 : value.byteLength
        if (value !== null) {
          data.set(value, d)
          d += value.byteLength
        }
        hi++
      }
    }
  }
  return packed
}

/** One record read back from a packed batch; byte fields are views into the batch's buffer. */
export interface UnpackedRecord {
  topic: number
  partition: number
  offset: number
  timestamp: number
  timestampType: number
  key: Uint8Array | null
  value: Uint8Array | null
  /** Names and values alternating, or null without headers. */
  headers: Array<string | Uint8Array | null> | null
}

const utf8Decoder = new TextDecoder()

/**
 * Calls `fn` for each record of a packed batch, in order. The record object is reused between calls
 * (copy what you keep); its byte fields are views, not copies.
 */
export function forEachPacked(p: PackedRecords, fn: (r: UnpackedRecord, index: number) => void): void {
  const { nums, ints, hlens, data } = packedViews(p)
  const r: UnpackedRecord = {
    topic: 0,
    partition: 0,
    offset: 0,
    timestamp: -1,
    timestampType: 0,
    key: null,
    value: null,
    headers: null,
  }
  let d = 0
  let hi = 0
  const take = (len: number): Uint8Array | null => {
    if (len < 0) return null
    if (d + len > data.byteLength) {
      throw new RangeError(`packed batch: a field ends at byte ${d + len} of ${data.byteLength}`)
    }
    const v = data.subarray(d, d + len)
    d += len
    return v
  }
  for (let i = 0; i < p.length; i++) {
    const at = i * INTS_PER_RECORD
    r.topic = ints[at]!
    r.partition = ints[at + 1]!
    r.offset = nums[i * NUMS_PER_RECORD]!
    r.timestamp = nums[i * NUMS_PER_RECORD + 1]!
    r.timestampType = ints[at + 5]!
    r.key = take(ints[at + 2]!)
    r.value = take(ints[at + 3]!)
    const hc = ints[at + 4]!
    if (hc === 0) r.headers = null
    else {
      const headers: Array<string | Uint8Array | null> = []
      for (let j = 0; j < hc; j++, hi++) {
        headers.push(utf8Decoder.decode(take(hlens[hi * INTS_PER_HEADER]!)!))
        headers.push(take(hlens[hi * INTS_PER_HEADER + 1]!))
      }
      r.headers = headers
    }
    fn(r, i)
  }
}
