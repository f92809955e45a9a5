/**
 * A JSON reader and string writer that behave like the Jackson setup of Kafka Connect's JsonConverter:
 * numbers keep their exact text (no precision lost for 64-bit integers or decimals), object keys keep
 * their order with the last duplicate winning, leading zeros are accepted, trailing content after the
 * first value is ignored (root numbers must be followed by white space), and strings are escaped exactly
 * as Jackson's UTF-8 generator escapes them.
 *
 * @packageDocumentation
 */

/**
 * A JSON number that is not a safe-integer literal: a literal with a fraction or exponent, or an integer
 * beyond `Number.MAX_SAFE_INTEGER`. `text` is the literal as written; `integral` is true for integer
 * literals (Jackson's int/long/BigInteger nodes), false for the others (Jackson's decimal nodes).
 */
export class JsonNumber {
  readonly text: string
  readonly integral: boolean
  constructor(text: string, integral: boolean) {
    this.text = text
    this.integral = integral
  }
}

/** A parsed JSON object: keys in document order, the last of duplicate keys winning. */
export type JsonObject = Map<string, JsonValue>

/**
 * A parsed JSON value. Safe-integer literals are `number`; every other number is a {@link JsonNumber}.
 */
export type JsonValue = null | boolean | string | number | JsonNumber | JsonValue[] | JsonObject

/** Jackson's `JsonNodeType` name of a parsed value (`undefined` is a missing value), for messages. */
export function nodeTypeName(v: JsonValue | undefined): string {
  if (v === undefined) return 'MISSING'
  if (v === null) return 'NULL'
  switch (typeof v) {
    case 'boolean':
      return 'BOOLEAN'
    case 'string':
      return 'STRING'
    case 'number':
      return 'NUMBER'
  }
  if (v instanceof JsonNumber) return 'NUMBER'
  return Array.isArray(v) ? 'ARRAY' : 'OBJECT'
}

/** A syntax error in JSON text; the message names the position. */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** Jackson's default `StreamReadConstraints`: nesting depth and number length limits. */
const MAX_DEPTH = 1000
const MAX_NUMBER_LENGTH = 1000

const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes UTF-8 bytes (a leading byte-order mark is skipped, as Jackson does).
 * @throws {@link JsonSyntaxError} for malformed UTF-8
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes)
  } catch {
    throw new JsonSyntaxError('Invalid UTF-8 in the input bytes')
  }
}

/**
 * Reads JSON text. {@link JsonReader.readRoot} reads the first value like Jackson's
 * `ObjectMapper.readTree` (`undefined` for empty input); the lower-level methods let JsonConverter read
 * an envelope's `schema` member as raw text (for its schema cache) without building it.
 */
export class JsonReader {
  readonly text: string
  pos = 0
  #depth = 0

  constructor(text: string) {
    this.text = text
  }

  /**
   * The first JSON value of the text, or `undefined` when the text is empty or white space only.
   * Content after the value is ignored, except that a number at the root must be followed by white space.
   * @throws {@link JsonSyntaxError}
   */
  readRoot(): JsonValue | undefined {
    this.skipWhitespace()
    if (this.pos >= this.text.length) return undefined
    return this.readValue()
  }

  /** Skips JSON white space (space, tab, CR, LF) and reports the next char code, or -1 at the end. */
  skipWhitespace(): number {
    const t = this.text
    let p = this.pos
    while (p < t.length) {
      const c = t.charCodeAt(p)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++
      else {
        this.pos = p
        return c
      }
    }
    this.pos = p
    return -1
  }

  /** Reads one value at the current position (after white space). */
  readValue(): JsonValue {
    const c = this.skipWhitespace()
    switch (c) {
      case 0x7b: // {
        return this.#readObject()
      case 0x5b: // [
        return this.#readArray()
      case 0x22: // "
        return this.readString()
      case 0x74: // t
        return this.#readLiteral('true', true)
      case 0x66: // f
        return this.#readLiteral('false', false)
      case 0x6e: // n
        return this.#readLiteral('null', null)
      case -1:
        throw this.error('Unexpected end-of-input: expected a value')
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#readNumber()
        throw this.unexpected(
          c,
          'expected a JSON value (String, Number, Array, Object or token "null", "true" or "false")',
        )
    }
  }

  /**
   * Skips one value at the current position without building it, checking only bracket and string
   * structure, and returns its start offset (the value's text is `text.slice(start, pos)`).
   */
  skipValue(): number {
    this.skipWhitespace()
    const t = this.text
    const start = this.pos
    let p = start
    let depth = 0
    while (p < t.length) {
      const c = t.charCodeAt(p)
      if (c === 0x22) {
        p = this.#endOfString(p + 1)
        if (depth === 0) {
          this.pos = p
          return start
        }
        continue
      }
      if (c === 0x7b || c === 0x5b) depth++
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break
        depth--
        if (depth === 0) {
          this.pos = p + 1
          return start
        }
      } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
        break
      }
      p++
    }
    if (depth > 0) {
      this.pos = p
      throw this.error('Unexpected end-of-input: expected close marker for an Object or Array')
    }
    this.pos = p
    if (p === start) throw this.error('Unexpected end-of-input: expected a value')
    return start
  }

  /** Reads a string starting at the opening quote (the current position). */
  readString(): string {
    const t = this.text
    const start = this.pos + 1
    // Fast path: no escapes and no control characters before the closing quote.
    const close = t.indexOf('"', start)
    if (close >= 0) {
      let plain = true
      for (let i = start; i < close; i++) {
        const c = t.charCodeAt(i)
        if (c === 0x5c || c < 0x20) {
          plain = false
          break
        }
      }
      if (plain) {
        this.pos = close + 1
        return t.slice(start, close)
      }
    }
    return this.#readEscapedString(start)
  }

  /** A {@link JsonSyntaxError} at the current position. */
  error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(`${message} at ${this.#location(this.pos)}`)
  }

  unexpected(c: number, expected: string): JsonSyntaxError {
    return this.error(`Unexpected character (${describeChar(c)}): ${expected}`)
  }

  #location(pos: number): string {
    let line = 1
    let col = 1
    for (let i = 0; i < pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        line++
        col = 1
      } else col++
    }
    return `line ${line}, column ${col}`
  }

  /**
   * Marks entry into a container the caller reads itself (e.g. an envelope object), so that values inside
   * it are not treated as root values. Pair with {@link JsonReader.leave}.
   */
  enter(): void {
    this.#enter()
  }

  /** Leaves a container entered with {@link JsonReader.enter}. */
  leave(): void {
    this.#depth--
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH) {
      throw this.error(`Document nesting depth (${this.#depth}) exceeds the maximum allowed (${MAX_DEPTH})`)
    }
  }

  #readObject(): JsonObject {
    this.#enter()
    this.pos++ // {
    const obj: JsonObject = new Map()
    let c = this.skipWhitespace()
    if (c === 0x7d) {
      this.pos++
      this.#depth--
      return obj
    }
    for (;;) {
      if (c !== 0x22) {
        throw c === -1
          ? this.error('Unexpected end-of-input: expected a field name')
          : this.unexpected(c, 'was expecting double-quote to start field name')
      }
      const key = this.readString()
      c = this.skipWhitespace()
      if (c !== 0x3a) {
        throw c === -1
          ? this.error('Unexpected end-of-input: expected a colon to separate field name and value')
          : this.unexpected(c, 'was expecting a colon to separate field name and value')
      }
      this.pos++
      obj.set(key, this.readValue())
      c = this.skipWhitespace()
      if (c === 0x2c) {
        this.pos++
        c = this.skipWhitespace()
        continue
      }
      if (c === 0x7d) {
        this.pos++
        this.#depth--
        return obj
      }
      throw c === -1
        ? this.error('Unexpected end-of-input: expected close marker for Object')
        : this.unexpected(c, "was expecting comma to separate Object entries or '}'")
    }
  }

  #readArray(): JsonValue[] {
    this.#enter()
    this.pos++ // [
    const arr: JsonValue[] = []
    let c = this.skipWhitespace()
    if (c === 0x5d) {
      this.pos++
      this.#depth--
      return arr
    }
    for (;;) {
      arr.push(this.readValue())
      c = this.skipWhitespace()
      if (c === 0x2c) {
        this.pos++
        continue
      }
      if (c === 0x5d) {
        this.pos++
        this.#depth--
        return arr
      }
      throw c === -1
        ? this.error('Unexpected end-of-input: expected close marker for Array')
        : this.unexpected(c, "was expecting comma to separate Array entries or ']'")
    }
  }

  #readLiteral<T>(word: string, value: T): T {
    const t = this.text
    if (t.startsWith(word, this.pos)) {
      const next = t.charCodeAt(this.pos + word.length)
      if (!isIdentifierPart(next)) {
        this.pos += word.length
        return value
      }
    }
    let end = this.pos
    while (end < t.length && isIdentifierPart(t.charCodeAt(end))) end++
    throw this.error(
      `Unrecognized token '${t.slice(this.pos, Math.max(end, this.pos + 1))}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`,
    )
  }

  #readNumber(): number | JsonNumber {
    const t = this.text
    const start = this.pos
    let p = start
    if (t.charCodeAt(p) === 0x2d) p++
    const intStart = p
    while (p < t.length && isDigit(t.charCodeAt(p))) p++
    if (p === intStart) {
      this.pos = p
      throw this.unexpected(
        t.charCodeAt(p),
        'expected digit (0-9) to follow minus sign, for valid numeric value',
      )
    }
    let integral = true
    if (t.charCodeAt(p) === 0x2e) {
      integral = false
      p++
      const fracStart = p
      while (p < t.length && isDigit(t.charCodeAt(p))) p++
      if (p === fracStart) {
        this.pos = p
        throw this.unexpected(t.charCodeAt(p), 'Decimal point not followed by a digit')
      }
    }
    const e = t.charCodeAt(p)
    if (e === 0x65 || e === 0x45) {
      integral = false
      p++
      const s = t.charCodeAt(p)
      if (s === 0x2b || s === 0x2d) p++
      const expStart = p
      while (p < t.length && isDigit(t.charCodeAt(p))) p++
      if (p === expStart) {
        this.pos = p
        throw this.unexpected(t.charCodeAt(p), 'Exponent indicator not followed by a digit')
      }
    }
    if (p - start > MAX_NUMBER_LENGTH) {
      this.pos = start
      throw this.error(
        `Number value length (${p - start}) exceeds the maximum allowed (${MAX_NUMBER_LENGTH})`,
      )
    }
    this.pos = p
    if (this.#depth === 0 && p < t.length) {
      // Jackson insists on white space after a root-level number.
      const c = t.charCodeAt(p)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        throw this.unexpected(c, 'Expected space separating root-level values')
      }
    }
    const text = t.slice(start, p)
    if (integral && p - intStart <= 15) {
      const n = Number(text)
      // "-0" is the integer 0 (Jackson's IntNode has no negative zero).
      return n === 0 ? 0 : n
    }
    if (integral) {
      const n = Number(text)
      if (Number.isSafeInteger(n)) return n
    }
    return new JsonNumber(text, integral)
  }

  /** The offset just past the closing quote of a string whose content starts at `p`. */
  #endOfString(p: number): number {
    const t = this.text
    while (p < t.length) {
      const c = t.charCodeAt(p)
      if (c === 0x22) return p + 1
      p += c === 0x5c ? 2 : 1
    }
    this.pos = p
    throw this.error('Unexpected end-of-input in a String value')
  }

  #readEscapedString(start: number): string {
    const t = this.text
    let out = ''
    let chunk = start
    let p = start
    while (p < t.length) {
      const c = t.charCodeAt(p)
      if (c === 0x22) {
        this.pos = p + 1
        return out + t.slice(chunk, p)
      }
      if (c < 0x20) {
        this.pos = p
        throw this.error(
          `Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in string value`,
        )
      }
      if (c !== 0x5c) {
        p++
        continue
      }
      out += t.slice(chunk, p)
      const e = t.charCodeAt(p + 1)
      switch (e) {
        case 0x22:
          out += '"'
          break
        case 0x5c:
          out += '\\'
          break
        case 0x2f:
          out += '/'
          break
        case 0x62:
          out += '\b'
          break
        case 0x66:
          out += '\f'
          break
        case 0x6e:
          out += '\n'
          break
        case 0x72:
          out += '\r'
          break
        case 0x74:
          out += '\t'
          break
        case 0x75: {
          let code = 0
          for (let i = 2; i < 6; i++) {
            const h = hexValue(t.charCodeAt(p + i))
            if (h < 0) {
              this.pos = p + i
              throw p + i >= t.length
                ? this.error('Unexpected end-of-input in a String value')
                : this.unexpected(t.charCodeAt(p + i), 'expected a hex-digit for character escape sequence')
            }
            code = (code << 4) | h
          }
          out += String.fromCharCode(code)
          p += 4
          break
        }
        default:
          this.pos = p + 1
          if (p + 1 >= t.length) throw this.error('Unexpected end-of-input in a String value')
          throw this.error(`Unrecognized character escape ${describeChar(e)}`)
      }
      p += 2
      chunk = p
    }
    this.pos = p
    throw this.error('Unexpected end-of-input in a String value')
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

/** Characters that continue a bare token (Jackson rejects `truex` as one unrecognized token). */
function isIdentifierPart(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x24 ||
    c >= 0x80
  )
}

function describeChar(c: number): string {
  if (c < 0) return 'end-of-input'
  if (c < 0x20) return `CTRL-CHAR, code ${c}`
  return `'${String.fromCharCode(c)}' (code ${c})`
}

// Jackson escapes `"`, `\`, control characters (short forms for \b \t \n \f \r, else \u00XX with upper-case
// hex) and, in its UTF-8 generator, every UTF-16 surrogate (so a supplementary character becomes a
// surrogate-pair escape such as \uD83D\uDE00).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/
const HEX = '0123456789ABCDEF'

/** The JSON string literal of `s`, escaped exactly as Jackson's UTF-8 generator does. */
export function quoteJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`
  let out = '"'
  let chunk = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue
    if (i > chunk) out += s.slice(chunk, i)
    chunk = i + 1
    switch (c) {
      case 0x22:
        out += '\\"'
        break
      case 0x5c:
        out += '\\\\'
        break
      case 0x08:
        out += '\\b'
        break
      case 0x09:
        out += '\\t'
        break
      case 0x0a:
        out += '\\n'
        break
      case 0x0c:
        out += '\\f'
        break
      case 0x0d:
        out += '\\r'
        break
      default:
        out += `\\u${HEX[(c >> 12) & 0xf]}${HEX[(c >> 8) & 0xf]}${HEX[(c >> 4) & 0xf]}${HEX[c & 0xf]}`
    }
  }
  if (chunk < s.length) out += s.slice(chunk)
  return `${out}"`
}
