/**
 * Request bodies read the way Kafka Connect's Jersey + Jackson stack reads them, so malformed bodies get the
 * same answers: Kafka Connect maps every Jackson failure to HTTP 500 with Jackson's message (location and
 * reference chain included), and clients and tests match on those texts.
 *
 * The reader is a streaming tokenizer over the UTF-8 bytes (Jackson's `UTF8StreamJsonParser` counts
 * columns in bytes) and the binder consumes tokens in the order Jackson's deserializers do, so the *first*
 * error Jackson would hit is the one reported. Scalars bound to `String` are coerced from their JSON text
 * (`1.50` stays `"1.50"`), as Jackson does.
 *
 * @packageDocumentation
 */

const LOCATION_SOURCE = 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)'
const VALID_TOKENS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
const MAX_ERROR_TOKEN_LENGTH = 256

/** A body Jackson could not read or bind; Kafka Connect answers it with 500 and this message. */
export class JacksonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JacksonError'
  }
}

type TokenType =
  | 'START_OBJECT'
  | 'END_OBJECT'
  | 'START_ARRAY'
  | 'END_ARRAY'
  | 'FIELD_NAME'
  | 'VALUE_STRING'
  | 'VALUE_NUMBER_INT'
  | 'VALUE_NUMBER_FLOAT'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL'

interface Token {
  readonly type: TokenType
  /** Field name, string contents, or the literal text of a number/boolean/null. */
  readonly text: string
  /** Byte index of the token's first byte. */
  readonly start: number
  /** Byte index Jackson's "current location" points at right after producing this token (strings are lazy). */
  readonly after: number
  /** A string value whose contents are invalid: thrown when the value is used (Jackson parses strings lazily). */
  readonly deferred?: DeferredError
}

interface DeferredError {
  readonly message: string
  readonly at: number
}

/** One element of Jackson's "reference chain": `Class["field"]` or `java.util.ArrayList[0]`. */
type ChainLink = string

interface Context {
  readonly kind: 'root' | 'object' | 'array'
  readonly start: number
  /** Number of entries read so far (values in arrays, fields in objects). */
  count: number
}

class ParseFailure extends Error {
  constructor(
    readonly raw: string,
    readonly at: number,
    readonly linesUpTo: number = at,
  ) {
    super(raw)
  }
}

/** Streaming JSON tokenizer with Jackson's error messages and locations. */
class JsonTokenReader {
  readonly #buf: Buffer
  #ptr = 0
  readonly #contexts: Context[] = [{ kind: 'root', start: 0, count: 0 }]
  #pending: Token | undefined

  constructor(buf: Buffer) {
    this.#buf = buf
  }

  /** `[Source: …; line: L, column: C]` for byte index `at` (columns are 1-based byte offsets in the line). */
  location(at: number, linesUpTo: number = at): string {
    let line = 1
    let rowStart = 0
    // Jackson counts lines while skipping whitespace, not inside a token (e.g. a token's terminator).
    for (let i = 0; i < linesUpTo && i < this.#buf.length; i++) {
      const b = this.#buf[i]
      if (b === 0x0a) {
        line++
        rowStart = i + 1
      } else if (b === 0x0d) {
        if (this.#buf[i + 1] === 0x0a) i++
        line++
        rowStart = i + 1
      }
    }
    return `[Source: ${LOCATION_SOURCE}; line: ${line}, column: ${at - rowStart + 1}]`
  }

  /** Current location (Jackson's `currentLocation()`), after the last consumed byte. */
  get ptr(): number {
    return this.#ptr
  }

  #fail(message: string, at: number, linesUpTo: number = at): never {
    throw new ParseFailure(message, at, linesUpTo)
  }

  #skipWs(): number {
    while (this.#ptr < this.#buf.length) {
      const b = this.#buf[this.#ptr] as number
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) this.#ptr++
      else return b
    }
    return -1
  }

  /** Decodes the (possibly multi-byte) character at `i`: [code point, byte length]. */
  #charAt(i: number): [number, number] {
    const b = this.#buf[i] as number
    if (b < 0x80) return [b, 1]
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    const cp = this.#buf.toString('utf8', i, Math.min(i + len, this.#buf.length)).codePointAt(0) ?? b
    return [cp, len]
  }

  #charDesc(cp: number): string {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `(CTRL-CHAR, code ${cp})`
    const ch = String.fromCodePoint(cp)
    if (cp > 255) return `'${ch}' (code ${cp} / 0x${cp.toString(16)})`
    return `'${ch}' (code ${cp})`
  }

  /** "Unexpected character" at byte `i` (Jackson reports the location of the offending character). */
  #unexpected(i: number, detail: string): never {
    const [cp] = this.#charAt(i)
    this.#fail(`Unexpected character (${this.#charDesc(cp)}): ${detail}`, i)
  }

  #eofInContext(): never {
    const ctx = this.#contexts[this.#contexts.length - 1] as Context
    const marker = ctx.kind === 'array' ? 'Array' : 'Object'
    this.#fail(
      `Unexpected end-of-input: expected close marker for ${marker} (start marker at ${this.location(ctx.start)})`,
      this.#buf.length,
    )
  }

  /**
   * "Unrecognized token 'xyz'": reads on while identifier characters follow. Jackson 2.20 (Kafka 4.4) reports
   * the token's start; 2.19 (Kafka 4.1) reported the byte after its terminator.
   */
  #invalidToken(startAt: number): never {
    let text = ''
    let i = startAt
    while (i < this.#buf.length) {
      const [cp, len] = this.#charAt(i)
      i += len
      if (!isJavaIdentifierPart(cp)) break
      text += String.fromCodePoint(cp)
      if (text.length >= MAX_ERROR_TOKEN_LENGTH) {
        text += '...'
        break
      }
    }
    this.#fail(`Unrecognized token '${text}': was expecting ${VALID_TOKENS}`, startAt)
  }

  #context(): Context {
    return this.#contexts[this.#contexts.length - 1] as Context
  }

  /** The next token, or `null` at the end of the input (only valid at the root). */
  nextToken(): Token | null {
    if (this.#pending !== undefined) {
      const t = this.#pending
      this.#pending = undefined
      return t
    }
    const ctx = this.#context()
    let c = this.#skipWs()
    if (ctx.kind === 'root') {
      if (c < 0) return null
      ctx.count++
      return this.#value(c)
    }
    if (c < 0) this.#eofInContext()
    const close = ctx.kind === 'object' ? 0x7d : 0x5d
    if (c === close) {
      this.#ptr++
      this.#contexts.pop()
      return {
        type: ctx.kind === 'object' ? 'END_OBJECT' : 'END_ARRAY',
        text: '',
        start: this.#ptr - 1,
        after: this.#ptr,
      }
    }
    if (c === 0x7d || c === 0x5d) {
      // A close marker of the other kind.
      const expected = ctx.kind === 'object' ? '}' : ']'
      const kind = ctx.kind === 'object' ? 'Object' : 'Array'
      this.#ptr++
      this.#fail(
        `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${kind} starting at ${this.location(ctx.start)})`,
        this.#ptr - 1,
      )
    }
    if (ctx.count > 0) {
      if (c !== 0x2c) {
        this.#unexpected(
          this.#ptr,
          `was expecting comma to separate ${ctx.kind === 'object' ? 'Object' : 'Array'} entries`,
        )
      }
      this.#ptr++
      c = this.#skipWs()
      if (c < 0) this.#eofInContext()
    }
    ctx.count++
    if (ctx.kind === 'array') return this.#value(c)
    return this.#fieldName(c)
  }

  #fieldName(c: number): Token {
    const start = this.#ptr
    if (c === 0x27) this.#unexpected(start, 'was expecting double-quote to start field name')
    if (c !== 0x22) {
      if (c === 0x2f) {
        this.#unexpected(
          start,
          "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
        )
      }
      this.#unexpected(start, 'was expecting double-quote to start field name')
    }
    const str = this.#scanString(start, 'name')
    if (str.error !== undefined) this.#fail(str.error.message, str.error.at)
    this.#ptr = str.end
    const colon = this.#skipWs()
    if (colon < 0) this.#fail(`Unexpected end-of-input within/between Object entries`, this.#buf.length)
    if (colon !== 0x3a) this.#unexpected(this.#ptr, 'was expecting a colon to separate field name and value')
    this.#ptr++
    const v = this.#skipWs()
    if (v < 0) this.#fail(`Unexpected end-of-input within/between Object entries`, this.#buf.length)
    // Jackson parses the value's first token together with the name (strings lazily).
    this.#pending = this.#value(v)
    return { type: 'FIELD_NAME', text: str.text, start, after: this.#ptr }
  }

  #value(c: number): Token {
    const start = this.#ptr
    switch (c) {
      case 0x22: {
        const str = this.#scanString(start, 'value')
        this.#ptr = str.end
        return {
          type: 'VALUE_STRING',
          text: str.text,
          start,
          after: start + 1,
          ...(str.error !== undefined && { deferred: str.error }),
        }
      }
      case 0x7b:
      case 0x5b:
        this.#ptr++
        this.#contexts.push({ kind: c === 0x7b ? 'object' : 'array', start, count: 0 })
        return { type: c === 0x7b ? 'START_OBJECT' : 'START_ARRAY', text: '', start, after: this.#ptr }
      case 0x74:
        return this.#literal('true', 'VALUE_TRUE')
      case 0x66:
        return this.#literal('false', 'VALUE_FALSE')
      case 0x6e:
        return this.#literal('null', 'VALUE_NULL')
      case 0x2d:
        return this.#number()
      case 0x2b:
        this.#unexpected(
          start,
          'JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow',
        )
        break
      case 0x5d:
      case 0x7d:
      case 0x2c:
        this.#unexpected(start, 'expected a value')
        break
      case 0x27:
        this.#unexpected(start, `expected a valid value ${VALID_TOKENS}`)
        break
      case 0x2f:
        this.#unexpected(
          start,
          "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
        )
        break
      default:
        if (c >= 0x30 && c <= 0x39) return this.#number()
    }
    const [cp] = this.#charAt(start)
    if (isJavaIdentifierStart(cp)) this.#invalidToken(start)
    this.#unexpected(start, `expected a valid value ${VALID_TOKENS}`)
  }

  #literal(word: string, type: TokenType): Token {
    const start = this.#ptr
    for (let i = 0; i < word.length; i++) {
      if (this.#buf[start + i] !== word.charCodeAt(i)) this.#invalidToken(start)
    }
    const next = start + word.length
    if (next < this.#buf.length && isJavaIdentifierPart(this.#charAt(next)[0])) this.#invalidToken(start)
    this.#ptr = next
    return { type, text: word, start, after: next }
  }

  #number(): Token {
    const buf = this.#buf
    const start = this.#ptr
    let i = start
    const digit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39
    if (buf[i] === 0x2d) {
      i++
      if (!digit(buf[i])) {
        if (i >= buf.length) this.#fail('Unexpected end-of-input in a Number value', i)
        const [cp] = this.#charAt(i)
        this.#fail(
          `Unexpected character (${this.#charDesc(cp)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`,
          i,
        )
      }
    }
    if (buf[i] === 0x30 && digit(buf[i + 1]))
      this.#fail('Invalid numeric value: Leading zeroes not allowed', i + 1)
    while (digit(buf[i])) i++
    let float = false
    if (buf[i] === 0x2e) {
      float = true
      i++
      if (!digit(buf[i])) {
        if (i >= buf.length) this.#fail('Unexpected end-of-input in a Number value', i)
        const [cp] = this.#charAt(i)
        this.#fail(
          `Unexpected character (${this.#charDesc(cp)}) in numeric value: Decimal point not followed by a digit`,
          i,
        )
      }
      while (digit(buf[i])) i++
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      float = true
      i++
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++
      if (!digit(buf[i])) {
        if (i >= buf.length) this.#fail('Unexpected end-of-input in a Number value', i)
        const [cp] = this.#charAt(i)
        this.#fail(
          `Unexpected character (${this.#charDesc(cp)}) in numeric value: Exponent indicator not followed by a digit`,
          i,
        )
      }
      while (digit(buf[i])) i++
    }
    this.#ptr = i
    return {
      type: float ? 'VALUE_NUMBER_FLOAT' : 'VALUE_NUMBER_INT',
      text: buf.toString('latin1', start, i),
      start,
      after: i,
    }
  }

  /** Scans a string starting at the quote at `start`; errors are returned, not thrown (values are lazy). */
  #scanString(start: number, what: 'name' | 'value'): { text: string; end: number; error?: DeferredError } {
    const buf = this.#buf
    let i = start + 1
    let text = ''
    let chunkStart = i
    const flush = (end: number): void => {
      if (end > chunkStart) text += buf.toString('utf8', chunkStart, end)
    }
    while (i < buf.length) {
      const b = buf[i] as number
      if (b === 0x22) {
        flush(i)
        return { text, end: i + 1 }
      }
      if (b < 0x20) {
        flush(i)
        return {
          text,
          end: this.#skipRestOfString(i),
          error: {
            message: `Illegal unquoted character (${this.#charDesc(b)}): has to be escaped using backslash to be included in ${what === 'name' ? 'name' : 'string value'}`,
            at: i,
          },
        }
      }
      if (b === 0x5c) {
        flush(i)
        const e = buf[i + 1]
        if (e === undefined) break
        const simple: Record<number, string> = {
          34: '"',
          92: '\\',
          47: '/',
          98: '\b',
          102: '\f',
          110: '\n',
          114: '\r',
          116: '\t',
        }
        const mapped = simple[e]
        if (mapped !== undefined) {
          text += mapped
          i += 2
        } else if (e === 0x75) {
          let code = 0
          for (let k = 0; k < 4; k++) {
            const h = buf[i + 2 + k]
            if (h === undefined) {
              return { text, end: buf.length, error: this.#eofInString(what) }
            }
            const v = hexValue(h)
            if (v < 0) {
              return {
                text,
                end: this.#skipRestOfString(i + 2 + k),
                error: {
                  message: `Unexpected character (${this.#charDesc(this.#charAt(i + 2 + k)[0])}): expected a hex-digit for character escape sequence`,
                  at: i + 2 + k,
                },
              }
            }
            code = code * 16 + v
          }
          text += String.fromCharCode(code)
          i += 6
        } else {
          const [cp] = this.#charAt(i + 1)
          return {
            text,
            end: this.#skipRestOfString(i + 2),
            error: { message: `Unrecognized character escape ${this.#charDesc(cp)}`, at: i + 1 },
          }
        }
        chunkStart = i
        continue
      }
      i++
    }
    return { text, end: buf.length, error: this.#eofInString(what) }
  }

  #eofInString(what: 'name' | 'value'): DeferredError {
    return {
      message:
        what === 'name'
          ? 'Unexpected end-of-input in field name'
          : 'Unexpected end-of-input: was expecting closing quote for a string value',
      at: this.#buf.length,
    }
  }

  #skipRestOfString(from: number): number {
    let i = from
    while (i < this.#buf.length) {
      const b = this.#buf[i]
      if (b === 0x5c) i += 2
      else if (b === 0x22) return i + 1
      else i++
    }
    return this.#buf.length
  }

  /** Skips the children of the structure the last START token opened (Jackson's `skipChildren`). */
  skipChildren(token: Token): void {
    if (token.type !== 'START_OBJECT' && token.type !== 'START_ARRAY') return
    let depth = 1
    while (depth > 0) {
      const t = this.nextToken()
      if (t === null) return
      if (t.type === 'START_OBJECT' || t.type === 'START_ARRAY') depth++
      else if (t.type === 'END_OBJECT' || t.type === 'END_ARRAY') depth--
      else if (t.deferred !== undefined) throw new ParseFailure(t.deferred.message, t.deferred.at)
    }
  }
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10
  return -1
}

// Java's Character.isJavaIdentifierStart/Part, approximated with Unicode properties.
function isJavaIdentifierStart(cp: number): boolean {
  return /[\p{L}\p{Nl}$_\p{Sc}\p{Pc}]/u.test(String.fromCodePoint(cp))
}

function isJavaIdentifierPart(cp: number): boolean {
  if (cp <= 0x08 || (cp >= 0x0e && cp <= 0x1b) || (cp >= 0x7f && cp <= 0x9f)) return true
  return /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}$_\p{Sc}\p{Pc}]/u.test(String.fromCodePoint(cp))
}

// ---------------------------------------------------------------------------------------------------------
// Binding

/** The Java types Kafka Connect binds request bodies to. */
export type BodyType = 'CreateConnectorRequest' | 'StringMap' | 'ConnectorOffsets'

type Shape =
  | { readonly kind: 'string' }
  | { readonly kind: 'untyped' }
  | {
      readonly kind: 'enum'
      readonly javaType: string
      readonly enumPrefix: string
      readonly values: readonly string[]
    }
  | { readonly kind: 'map'; readonly javaType: string; readonly value: Shape }
  | { readonly kind: 'list'; readonly javaType: string; readonly element: Shape }
  | {
      readonly kind: 'pojo'
      readonly javaType: string
      /** Creator properties in the order Jackson lists them as "known properties". */
      readonly properties: ReadonlyArray<readonly [string, Shape]>
    }

const ENTITIES = 'org.apache.kafka.connect.runtime.rest.entities'
const STRING_MAP: Shape = {
  kind: 'map',
  javaType: 'java.util.LinkedHashMap<java.lang.String,java.lang.String>',
  value: { kind: 'string' },
}
const OBJECT_MAP: Shape = {
  kind: 'map',
  javaType: 'java.util.LinkedHashMap<java.lang.String,java.lang.Object>',
  value: { kind: 'untyped' },
}
const SHAPES: Record<BodyType, Shape> = {
  StringMap: STRING_MAP,
  CreateConnectorRequest: {
    kind: 'pojo',
    javaType: `${ENTITIES}.CreateConnectorRequest`,
    properties: [
      ['config', STRING_MAP],
      ['name', { kind: 'string' }],
      [
        'initial_state',
        {
          kind: 'enum',
          javaType: `${ENTITIES}.CreateConnectorRequest$InitialState`,
          enumPrefix: `${ENTITIES}.CreateConnectorRequest.InitialState`,
          values: ['RUNNING', 'PAUSED', 'STOPPED'],
        },
      ],
    ],
  },
  ConnectorOffsets: {
    kind: 'pojo',
    javaType: `${ENTITIES}.ConnectorOffsets`,
    properties: [
      [
        'offsets',
        {
          kind: 'list',
          javaType: `java.util.ArrayList<${ENTITIES}.ConnectorOffset>`,
          element: {
            kind: 'pojo',
            javaType: `${ENTITIES}.ConnectorOffset`,
            properties: [
              ['partition', OBJECT_MAP],
              ['offset', OBJECT_MAP],
            ],
          },
        },
      ],
    ],
  },
}

/** Jackson's description of a token for "from X value (token `JsonToken.X`)". */
function tokenDesc(t: Token): string {
  const kind: Record<TokenType, string> = {
    START_OBJECT: 'Object',
    START_ARRAY: 'Array',
    VALUE_STRING: 'String',
    VALUE_NUMBER_INT: 'Integer',
    VALUE_NUMBER_FLOAT: 'Floating-point',
    VALUE_TRUE: 'Boolean',
    VALUE_FALSE: 'Boolean',
    VALUE_NULL: 'Null',
    END_OBJECT: 'End Object',
    END_ARRAY: 'End Array',
    FIELD_NAME: 'Field name',
  }
  return `${kind[t.type]} value (token \`JsonToken.${t.type}\`)`
}

/** Raw class name (no generics), as Jackson names it in "Cannot construct instance of". */
function rawType(javaType: string): string {
  const i = javaType.indexOf('<')
  return i < 0 ? javaType : javaType.slice(0, i)
}

class Binder {
  constructor(readonly reader: JsonTokenReader) {}

  /** Throws a binding error at `at`, with Jackson's reference chain. */
  fail(message: string, at: number, chain: readonly ChainLink[]): never {
    throw new JacksonError(this.#format(message, at, chain))
  }

  #format(message: string, at: number, chain: readonly ChainLink[], linesUpTo: number = at): string {
    const suffix = chain.length > 0 ? ` (through reference chain: ${chain.join('->')})` : ''
    return `${message}\n at ${this.reader.location(at, linesUpTo)}${suffix}`
  }

  /** Reads the next token; a syntax error is reported with `chain` (the deserializers already entered). */
  next(chain: readonly ChainLink[]): Token | null {
    try {
      return this.reader.nextToken()
    } catch (err) {
      if (err instanceof ParseFailure)
        throw new JacksonError(this.#format(err.raw, err.at, chain, err.linesUpTo))
      throw err
    }
  }

  /** String contents of a token (materializes a lazy string, raising its deferred error). */
  text(t: Token, chain: readonly ChainLink[]): string {
    if (t.deferred !== undefined) this.fail(t.deferred.message, t.deferred.at, chain)
    return t.text
  }

  skip(t: Token, chain: readonly ChainLink[]): void {
    try {
      this.reader.skipChildren(t)
    } catch (err) {
      if (err instanceof ParseFailure)
        throw new JacksonError(this.#format(err.raw, err.at, chain, err.linesUpTo))
      throw err
    }
  }

  bind(shape: Shape, t: Token, chain: readonly ChainLink[]): unknown {
    if (t.type === 'VALUE_NULL') return null
    switch (shape.kind) {
      case 'string':
        if (t.type === 'START_OBJECT' || t.type === 'START_ARRAY') {
          this.fail(
            `Cannot deserialize value of type \`java.lang.String\` from ${tokenDesc(t)}`,
            t.start,
            chain,
          )
        }
        return this.text(t, chain)
      case 'untyped':
        return this.#untyped(t, chain)
      case 'enum': {
        if (t.type === 'START_OBJECT' || t.type === 'START_ARRAY') {
          this.fail(
            `Cannot deserialize value of type \`${shape.javaType}\` from ${tokenDesc(t)}`,
            t.start,
            chain,
          )
        }
        const value = this.text(t, chain).toUpperCase()
        if (!shape.values.includes(value)) {
          this.fail(
            `Cannot construct instance of \`${shape.javaType}\`, problem: No enum constant ${shape.enumPrefix}.${value}`,
            t.start,
            chain,
          )
        }
        return value
      }
      case 'map':
        if (t.type !== 'START_OBJECT') this.#mismatch(shape.javaType, t, chain)
        return this.#map(shape, chain)
      case 'list':
        if (t.type !== 'START_ARRAY') this.#mismatch(shape.javaType, t, chain)
        return this.#list(shape, chain)
      case 'pojo':
        if (t.type !== 'START_OBJECT') this.#mismatch(shape.javaType, t, chain)
        return this.#pojo(shape, chain)
    }
  }

  /** A container type met a token it cannot start from. */
  #mismatch(javaType: string, t: Token, chain: readonly ChainLink[]): never {
    const raw = rawType(javaType)
    switch (t.type) {
      case 'VALUE_STRING':
        this.fail(
          `Cannot construct instance of \`${raw}\` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('${this.text(t, chain)}')`,
          t.start,
          chain,
        )
        break
      case 'VALUE_NUMBER_INT':
      case 'VALUE_NUMBER_FLOAT':
      case 'VALUE_TRUE':
      case 'VALUE_FALSE':
        if (raw === javaType && !raw.startsWith('java.util.')) {
          // POJOs: Jackson looks for a scalar creator.
          const what =
            t.type === 'VALUE_NUMBER_INT'
              ? ['int/Int', 'Number']
              : t.type === 'VALUE_NUMBER_FLOAT'
                ? ['double/Double', 'Number']
                : ['boolean/Boolean', 'Boolean']
          this.fail(
            `Cannot construct instance of \`${raw}\` (although at least one Creator exists): no ${what[0]}-argument constructor/factory method to deserialize from ${what[1]} value (${t.text})`,
            t.start,
            chain,
          )
        }
        break
      default:
        break
    }
    this.fail(`Cannot deserialize value of type \`${javaType}\` from ${tokenDesc(t)}`, t.start, chain)
  }

  #map(shape: Extract<Shape, { kind: 'map' }>, chain: readonly ChainLink[]): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const mapName = rawType(shape.javaType)
    for (;;) {
      const t = this.next(chain)
      if (t === null || t.type === 'END_OBJECT') return out
      const key = t.text
      const v = this.next(chain) as Token
      out[key] = this.bind(shape.value, v, [...chain, `${mapName}["${key}"]`])
    }
  }

  #list(shape: Extract<Shape, { kind: 'list' }>, chain: readonly ChainLink[]): unknown[] {
    const out: unknown[] = []
    const listName = rawType(shape.javaType)
    for (;;) {
      const t = this.next(chain)
      if (t === null || t.type === 'END_ARRAY') return out
      out.push(this.bind(shape.element, t, [...chain, `${listName}[${out.length}]`]))
    }
  }

  #pojo(shape: Extract<Shape, { kind: 'pojo' }>, chain: readonly ChainLink[]): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const assigned = new Set<string>()
    let deferredUnknown: string | undefined
    for (;;) {
      const t = this.next(chain)
      if (t === null || t.type === 'END_OBJECT') break
      const name = t.text
      const v = this.next(chain) as Token
      const prop = shape.properties.find(([n]) => n === name)
      if (prop !== undefined) {
        out[name] = this.bind(prop[1], v, [...chain, `${shape.javaType}["${name}"]`])
        assigned.add(name)
        continue
      }
      if (assigned.size === shape.properties.length) {
        // Every creator property is known, so the bean exists and Jackson rejects the field right away.
        this.#unknown(shape, name, v.after, chain)
      }
      // Otherwise Jackson buffers unknown fields and rejects them once the object is complete.
      deferredUnknown ??= name
      this.skip(v, chain)
    }
    if (deferredUnknown !== undefined) this.#unknown(shape, deferredUnknown, this.reader.ptr, chain)
    return out
  }

  #unknown(
    shape: Extract<Shape, { kind: 'pojo' }>,
    name: string,
    at: number,
    chain: readonly ChainLink[],
  ): never {
    const names = shape.properties.map(([n]) => `"${n}"`)
    const known =
      names.length === 1
        ? `one known property: ${names[0]}`
        : `${names.length} known properties: ${names.join(', ')}`
    this.fail(
      `Unrecognized field "${name}" (class ${shape.javaType}), not marked as ignorable (${known})`,
      at,
      [...chain, `${shape.javaType}["${name}"]`],
    )
  }

  #untyped(t: Token, chain: readonly ChainLink[]): unknown {
    switch (t.type) {
      case 'VALUE_STRING':
        return this.text(t, chain)
      case 'VALUE_NUMBER_INT': {
        const n = Number(t.text)
        return Number.isSafeInteger(n) ? n : BigInt(t.text)
      }
      case 'VALUE_NUMBER_FLOAT':
        return Number(t.text)
      case 'VALUE_TRUE':
        return true
      case 'VALUE_FALSE':
        return false
      case 'START_ARRAY': {
        const out: unknown[] = []
        for (;;) {
          const e = this.next(chain)
          if (e === null || e.type === 'END_ARRAY') return out
          out.push(this.#untyped(e, [...chain, `java.util.ArrayList[${out.length}]`]))
        }
      }
      case 'START_OBJECT': {
        const out: Record<string, unknown> = {}
        for (;;) {
          const k = this.next(chain)
          if (k === null || k.type === 'END_OBJECT') return out
          const v = this.next(chain) as Token
          out[k.text] = this.#untyped(v, [...chain, `java.util.LinkedHashMap["${k.text}"]`])
        }
      }
      default:
        return null
    }
  }
}

/**
 * Reads a request body as Kafka Connect binds it to `type`. Returns `null` for an empty body or a JSON
 * `null` (Jersey then passes `null` to the resource method).
 *
 * @throws {@link JacksonError} with Jackson's message for malformed JSON or a body of the wrong shape
 *
 * @example
 * ```ts
 * readJacksonBody(Buffer.from('{"name":"a","config":{"tasks.max":1}}'), 'CreateConnectorRequest')
 * // { name: 'a', config: { 'tasks.max': '1' } }
 * ```
 */
export function readJacksonBody(body: Buffer, type: BodyType): unknown {
  const reader = new JsonTokenReader(body)
  const binder = new Binder(reader)
  const first = binder.next([])
  if (first === null || first.type === 'VALUE_NULL') return null
  const value = binder.bind(SHAPES[type], first, [])
  const trailing = binder.next([])
  if (trailing !== null) {
    binder.fail(
      `Trailing token (of type ${trailing.type}) found after value (bound as \`${rawType(javaTypeOf(type))}\`): not allowed as per \`DeserializationFeature.FAIL_ON_TRAILING_TOKENS\``,
      trailing.after,
      [],
    )
  }
  return value
}

function javaTypeOf(type: BodyType): string {
  const s = SHAPES[type]
  return s.kind === 'map' || s.kind === 'pojo' || s.kind === 'list' ? s.javaType : 'java.lang.Object'
}
