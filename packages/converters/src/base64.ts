import { Buffer } from 'node:buffer'
import { ValueError } from './conversion-error.js'

export { encodeBase64 } from '@sluice/api'

const CANONICAL = /^[A-Za-z0-9+/]*={0,2}$/
const VARIANT = "base64 variant 'MIME-NO-LINEFEEDS'"

/**
 * Decodes base64 like Jackson's `MIME-NO-LINEFEEDS` variant (how JsonConverter reads `bytes` and Decimal
 * payloads): padding is required, white space (any char up to U+0020) may precede each 4-char group, and
 * anything else is an error. The result owns its memory (never a slice of Node's shared buffer pool).
 * @throws {@link ValueError} naming the offending character
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 === 0 && CANONICAL.test(text)) {
    const len = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0)
    // allocUnsafeSlow: not pooled, so the bytes can be kept or transferred independently.
    const out = Buffer.allocUnsafeSlow(len)
    out.write(text, 'base64')
    return new Uint8Array(out.buffer, out.byteOffset, len)
  }
  return decodeSlow(text)
}

function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52
  if (c === 0x2b) return 62
  if (c === 0x2f) return 63
  return c === 0x3d ? -2 : -1
}

function illegal(text: string, pos: number, index: number): ValueError {
  const c = text.charCodeAt(pos)
  const code = `code 0x${c.toString(16)}`
  if (c <= 0x20) {
    return new ValueError(
      `Illegal white space character (${code}) as character #${index + 1} of 4-char base64 unit: can only used between units`,
    )
  }
  if (c === 0x3d) {
    return new ValueError(
      `Unexpected padding character ('=') as character #${index + 1} of 4-char base64 unit: padding only legal as 3rd or 4th character`,
    )
  }
  return new ValueError(`Illegal character '${text[pos]}' (${code}) in base64 content`)
}

function eof(): ValueError {
  return new ValueError(
    `Unexpected end of base64-encoded String: ${VARIANT} expects padding (one or more '=' characters) at the end`,
  )
}

/** Jackson's quad-by-quad decoding, for input that is not plain canonical base64. */
function decodeSlow(text: string): Uint8Array {
  const out: number[] = []
  const len = text.length
  let p = 0
  for (;;) {
    // White space (any char up to U+0020) may only come between 4-char units.
    let c: number
    do {
      if (p >= len) return Uint8Array.from(out)
      c = text.charCodeAt(p++)
    } while (c <= 0x20)
    let bits = sextet(c)
    if (bits < 0) throw illegal(text, p - 1, 0)
    let data = bits
    if (p >= len) throw eof()
    bits = sextet(text.charCodeAt(p++))
    if (bits < 0) throw illegal(text, p - 1, 1)
    data = (data << 6) | bits
    if (p >= len) throw eof()
    bits = sextet(text.charCodeAt(p++))
    if (bits < 0) {
      if (bits !== -2) throw illegal(text, p - 1, 2)
      if (p >= len) throw eof()
      if (text.charCodeAt(p++) !== 0x3d) {
        throw new ValueError(
          `Illegal character '${text[p - 1]}' (code 0x${text.charCodeAt(p - 1).toString(16)}) in base64 content: expected padding character '='`,
        )
      }
      out.push(data >> 4)
      continue
    }
    data = (data << 6) | bits
    if (p >= len) throw eof()
    bits = sextet(text.charCodeAt(p++))
    if (bits < 0) {
      if (bits !== -2) throw illegal(text, p - 1, 3)
      data >>= 2
      out.push(data >> 8, data & 0xff)
      continue
    }
    data = (data << 6) | bits
    out.push(data >> 16, (data >> 8) & 0xff, data & 0xff)
  }
}
