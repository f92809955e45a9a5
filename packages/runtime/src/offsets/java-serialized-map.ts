/**
 * Reads and writes the file Kafka Connect's standalone `FileOffsetBackingStore` keeps at
 * `offset.storage.file.filename`: a Java-serialized `java.util.HashMap<byte[], byte[]>` (Java Object
 * Serialization Stream Protocol). Being byte-compatible lets a team point Sluice at the offsets file
 * their Java workers wrote, and back.
 *
 * Only the shapes that map contains are supported; anything else is reported as a corrupt file rather
 * than guessed at.
 */

const STREAM_MAGIC = 0xaced
const STREAM_VERSION = 5
const TC_NULL = 0x70
const TC_REFERENCE = 0x71
const TC_CLASSDESC = 0x72
const TC_OBJECT = 0x73
const TC_ARRAY = 0x75
const TC_BLOCKDATA = 0x77
const TC_ENDBLOCKDATA = 0x78
const BASE_HANDLE = 0x7e0000
const SC_WRITE_METHOD = 0x01
const SC_SERIALIZABLE = 0x02

// serialVersionUIDs fixed by the JDK for these classes.
const HASHMAP_UID = 0x0507dac1c31660d1n
const BYTE_ARRAY_UID = 0xacf317f8060854e0n

export class OffsetFileError extends Error {
  constructor(file: string, detail: string) {
    super(
      `offset file ${file} is not a Kafka Connect offsets file (${detail}). ` +
        'Point offset.storage.file.filename at a new path, or move the damaged file away to start without offsets.',
    )
    this.name = 'OffsetFileError'
  }
}

/** Serialises entries as Java's `ObjectOutputStream.writeObject(new HashMap<byte[],byte[]>(…))` does. */
export function writeJavaByteArrayMap(
  entries: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>,
): Buffer {
  const parts: Buffer[] = []
  const u8 = (v: number) => parts.push(Buffer.from([v]))
  const u16 = (v: number) => {
    const b = Buffer.alloc(2)
    b.writeUInt16BE(v)
    parts.push(b)
  }
  const i32 = (v: number) => {
    const b = Buffer.alloc(4)
    b.writeInt32BE(v)
    parts.push(b)
  }
  const i64 = (v: bigint) => {
    const b = Buffer.alloc(8)
    b.writeBigUInt64BE(v)
    parts.push(b)
  }
  const utf = (s: string) => {
    const b = Buffer.from(s, 'utf8')
    u16(b.length)
    parts.push(b)
  }

  u16(STREAM_MAGIC)
  u16(STREAM_VERSION)
  // HashMap object with its class descriptor (handle 0: class desc, handle 1: the map).
  u8(TC_OBJECT)
  u8(TC_CLASSDESC)
  utf('java.util.HashMap')
  i64(HASHMAP_UID)
  u8(SC_SERIALIZABLE | SC_WRITE_METHOD)
  u16(2)
  u8('F'.charCodeAt(0))
  utf('loadFactor')
  u8('I'.charCodeAt(0))
  utf('threshold')
  u8(TC_ENDBLOCKDATA)
  u8(TC_NULL)
  // Field values in the order of the descriptor's sorted field list: loadFactor, threshold.
  let capacity = 16
  while (capacity * 0.75 < entries.length) capacity *= 2
  const lf = Buffer.alloc(4)
  lf.writeFloatBE(0.75)
  parts.push(lf)
  i32(capacity * 0.75)
  // writeObject's custom data: bucket count and size, then key/value objects.
  u8(TC_BLOCKDATA)
  u8(8)
  i32(capacity)
  i32(entries.length)
  let byteArrayDescHandle: number | undefined
  let nextHandle = BASE_HANDLE + 2
  const writeBytes = (bytes: Uint8Array | null) => {
    if (bytes === null) {
      u8(TC_NULL)
      return
    }
    u8(TC_ARRAY)
    if (byteArrayDescHandle === undefined) {
      u8(TC_CLASSDESC)
      utf('[B')
      i64(BYTE_ARRAY_UID)
      u8(SC_SERIALIZABLE)
      u16(0)
      u8(TC_ENDBLOCKDATA)
      u8(TC_NULL)
      byteArrayDescHandle = nextHandle++
    } else {
      u8(TC_REFERENCE)
      i32(byteArrayDescHandle)
    }
    nextHandle++ // the array itself takes a handle
    i32(bytes.length)
    parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }
  for (const [k, v] of entries) {
    writeBytes(k)
    writeBytes(v)
  }
  u8(TC_ENDBLOCKDATA)
  return Buffer.concat(parts)
}

/** Parses a Java-serialized `HashMap<byte[], byte[]>` written by Kafka Connect (or by {@link writeJavaByteArrayMap}). */
export function readJavaByteArrayMap(buf: Buffer, file: string): Array<[Buffer, Buffer | null]> {
  let pos = 0
  const fail = (detail: string): never => {
    throw new OffsetFileError(file, `${detail} at byte ${pos}`)
  }
  const need = (n: number) => {
    if (pos + n > buf.length) fail('unexpected end of file')
  }
  const u8 = () => {
    need(1)
    return buf.readUInt8(pos++)
  }
  const u16 = () => {
    need(2)
    const v = buf.readUInt16BE(pos)
    pos += 2
    return v
  }
  const i32 = () => {
    need(4)
    const v = buf.readInt32BE(pos)
    pos += 4
    return v
  }
  const utf = () => {
    const len = u16()
    need(len)
    const s = buf.toString('utf8', pos, pos + len)
    pos += len
    return s
  }
  const handles: unknown[] = []
  interface ClassDesc {
    readonly name: string
    readonly fields: Array<{ type: string; name: string }>
  }
  const readClassDesc = (): ClassDesc => {
    const tc = u8()
    if (tc === TC_REFERENCE) {
      const h = handles[i32() - BASE_HANDLE] as ClassDesc | undefined
      return h ?? fail('dangling class reference')
    }
    if (tc !== TC_CLASSDESC) fail(`expected a class descriptor, found 0x${tc.toString(16)}`)
    const name = utf()
    need(8)
    pos += 8 // serialVersionUID: compatible classes only differ here across JDKs we do not care about
    const desc: ClassDesc = { name, fields: [] }
    handles.push(desc)
    u8() // flags
    const count = u16()
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(u8())
      const fname = utf()
      if (type === 'L' || type === '[') fail(`unsupported object field ${fname} in ${name}`)
      desc.fields.push({ type, name: fname })
    }
    // Class annotations: nothing but the end marker in the files Kafka writes.
    if (u8() !== TC_ENDBLOCKDATA) fail(`unsupported class annotation in ${name}`)
    if (u8() !== TC_NULL) fail(`unsupported superclass of ${name}`)
    return desc
  }
  const readBytes = (): Buffer | null => {
    const tc = u8()
    if (tc === TC_NULL) return null
    if (tc === TC_REFERENCE) {
      const h = handles[i32() - BASE_HANDLE]
      return Buffer.isBuffer(h) ? h : fail('reference to something that is not a byte array')
    }
    if (tc !== TC_ARRAY) fail(`expected a byte array, found 0x${tc.toString(16)}`)
    const desc = readClassDesc()
    if (desc.name !== '[B') fail(`expected byte[], found ${desc.name}`)
    const len = i32()
    need(len)
    const bytes = Buffer.from(buf.subarray(pos, pos + len))
    pos += len
    handles.push(bytes)
    return bytes
  }

  if (buf.length < 4 || buf.readUInt16BE(0) !== STREAM_MAGIC) fail('no Java serialization header')
  pos = 4
  if (u8() !== TC_OBJECT) fail('top-level value is not an object')
  const desc = readClassDesc()
  if (desc.name !== 'java.util.HashMap') fail(`top-level object is ${desc.name}, not java.util.HashMap`)
  handles.push('map')
  for (const f of desc.fields) {
    need(
      f.type === 'J' || f.type === 'D'
        ? 8
        : f.type === 'I' || f.type === 'F'
          ? 4
          : f.type === 'S' || f.type === 'C'
            ? 2
            : 1,
    )
    pos +=
      f.type === 'J' || f.type === 'D'
        ? 8
        : f.type === 'I' || f.type === 'F'
          ? 4
          : f.type === 'S' || f.type === 'C'
            ? 2
            : 1
  }
  if (u8() !== TC_BLOCKDATA) fail('missing HashMap size block')
  const blockLen = u8()
  if (blockLen < 8) fail('short HashMap size block')
  i32() // bucket count
  const size = i32()
  pos += blockLen - 8
  const out: Array<[Buffer, Buffer | null]> = []
  for (let i = 0; i < size; i++) {
    const k = readBytes()
    if (k === null) fail('null key')
    out.push([k as Buffer, readBytes()])
  }
  return out
}
