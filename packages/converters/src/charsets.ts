import { Buffer } from 'node:buffer'

/** A Java `Charset` as StringConverter uses it: `String.getBytes` and `new String(bytes)` semantics. */
export interface JavaCharset {
  /** The canonical Java name, e.g. `UTF-8`. */
  readonly name: string
  encode(s: string): Uint8Array
  decode(bytes: Uint8Array): string
}

const utf8Encoder = new TextEncoder()
// Java's UTF-8 decoder keeps a byte-order mark and replaces malformed input with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** Java replaces unpaired surrogates with '?' when encoding to UTF-8. */
function wellFormed(s: string): string {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    ? s
    : s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?')
}

function encodeSingleByte(s: string, max: number): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0x3f
    // Unmappable characters (and unpaired surrogates) become '?', one per code point.
    out.push(cp <= max ? cp : 0x3f)
  }
  return Uint8Array.from(out)
}

function encodeUtf16(s: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const str = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  const out = new Uint8Array(str.length * 2 + (bom ? 2 : 0))
  let p = 0
  if (bom) {
    out[p++] = 0xfe
    out[p++] = 0xff
  }
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i)
    out[p++] = littleEndian ? c & 0xff : c >> 8
    out[p++] = littleEndian ? c >> 8 : c & 0xff
  }
  return out
}

function decodeUtf16(bytes: Uint8Array, littleEndian: boolean, detectBom: boolean): string {
  let start = 0
  let le = littleEndian
  if (detectBom && bytes.length >= 2) {
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      start = 2
      le = false
    } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
      start = 2
      le = true
    }
  }
  let out = ''
  const end = start + ((bytes.length - start) & ~1)
  for (let i = start; i < end; i += 2) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1] ?? 0
    out += String.fromCharCode(le ? a | (b << 8) : (a << 8) | b)
  }
  if (end < bytes.length) out += '\ufffd'
  return wellFormed16(out)
}

/** Unpaired surrogates decoded from UTF-16 are malformed input: Java replaces them with U+FFFD. */
function wellFormed16(s: string): string {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    ? s
    : s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

const UTF8: JavaCharset = {
  name: 'UTF-8',
  encode: (s) => utf8Encoder.encode(wellFormed(s)),
  decode: (b) => utf8Decoder.decode(b),
}

const CHARSETS: readonly JavaCharset[] = [
  UTF8,
  {
    name: 'ISO-8859-1',
    encode: (s) => encodeSingleByte(s, 0xff),
    decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'),
  },
  {
    name: 'US-ASCII',
    encode: (s) => encodeSingleByte(s, 0x7f),
    decode: (b) => {
      let out = ''
      for (const x of b) out += x < 0x80 ? String.fromCharCode(x) : '\ufffd'
      return out
    },
  },
  { name: 'UTF-16', encode: (s) => encodeUtf16(s, false, true), decode: (b) => decodeUtf16(b, false, true) },
  {
    name: 'UTF-16BE',
    encode: (s) => encodeUtf16(s, false, false),
    decode: (b) => decodeUtf16(b, false, false),
  },
  {
    name: 'UTF-16LE',
    encode: (s) => encodeUtf16(s, true, false),
    decode: (b) => decodeUtf16(b, true, false),
  },
]

/** Java's names and common aliases of the supported charsets, upper-cased. */
const ALIASES: Readonly<Record<string, string>> = {
  UTF8: 'UTF-8',
  'UNICODE-1-1-UTF-8': 'UTF-8',
  ISO8859_1: 'ISO-8859-1',
  'ISO8859-1': 'ISO-8859-1',
  ISO_8859_1: 'ISO-8859-1',
  'ISO_8859-1': 'ISO-8859-1',
  LATIN1: 'ISO-8859-1',
  L1: 'ISO-8859-1',
  '8859_1': 'ISO-8859-1',
  CP819: 'ISO-8859-1',
  ASCII: 'US-ASCII',
  ASCII7: 'US-ASCII',
  US: 'US-ASCII',
  'ISO646-US': 'US-ASCII',
  UTF_16: 'UTF-16',
  UTF16: 'UTF-16',
  UNICODE: 'UTF-16',
  UTF_16BE: 'UTF-16BE',
  UNICODEBIGUNMARKED: 'UTF-16BE',
  X_UTF_16BE: 'UTF-16BE',
  UTF_16LE: 'UTF-16LE',
  UNICODELITTLEUNMARKED: 'UTF-16LE',
  X_UTF_16LE: 'UTF-16LE',
}

/** The charset of a Java charset name (case-insensitive, with Java's aliases), or `undefined`. */
export function javaCharset(name: string): JavaCharset | undefined {
  const upper = name.trim().toUpperCase()
  const canonical = ALIASES[upper] ?? upper
  return CHARSETS.find((c) => c.name === canonical)
}

/** The canonical names of the supported charsets, for messages. */
export const SUPPORTED_CHARSETS: readonly string[] = CHARSETS.map((c) => c.name)

/** UTF-8, the default. */
export const UTF_8: JavaCharset = UTF8
