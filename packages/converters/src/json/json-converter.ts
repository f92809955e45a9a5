import { Buffer } from 'node:buffer'
import type {
  ConfigDef,
  Converter,
  HeaderConverter,
  Headers,
  PluginConfigs,
  Schema,
  SchemaAndValue,
} from '@sluice/api'
import { ConfigError, ConnectSchema, LruCache, NULL_SCHEMA_AND_VALUE, schemaKey } from '@sluice/api'
import { conversionError, ValueError } from '../conversion-error.js'
import { type ConverterType, converterTypeOf, withConverterType } from '../converter-config.js'
import {
  DECIMAL_FORMAT_CONFIG,
  JSON_CONVERTER_CONFIG_DEF,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  SCHEMAS_CACHE_SIZE_CONFIG,
  SCHEMAS_ENABLE_CONFIG,
} from './json-converter-config.js'
import { type JsonDataOptions, readJson, writeJson } from './json-data.js'
import { NEEDS_READER, readSchemalessFast } from './json-fast.js'
import { schemaFromJson, schemaToJson } from './json-schema.js'
import { decodeUtf8, JsonReader, JsonSyntaxError, type JsonValue } from './json-text.js'

const TO_BYTES = 'Converting Kafka Connect data to byte[]'
const FROM_BYTES = 'Converting byte[] to Kafka Connect data'
const ENVELOPE_MESSAGE =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.'

const encoder = new TextEncoder()
const NULL_SCHEMA_PREFIX = Buffer.from('{"schema":null,"payload":')

/** A schema's envelope JSON and the UTF-8 bytes of `{"schema":<json>,"payload":`. */
interface SchemaJson {
  readonly json: string
  readonly prefix: Buffer
}

/**
 * The envelope of a JSON message: the `schema` as one of the recently seen schema texts (`recent` >= 0)
 * or as raw text (for the schema cache), and the parsed `payload`.
 */
interface Envelope {
  readonly recent: number
  readonly schemaText: string
  readonly payload: JsonValue | undefined
}

const SCHEMA_PREFIX = Buffer.from('{"schema":')
const PAYLOAD_PREFIX = Buffer.from(',"payload":')

function hasAt(input: Uint8Array, at: number, what: Buffer): boolean {
  for (let i = 0; i < what.length; i++) if (input[at + i] !== what[i]) return false
  return true
}

/** How many recently seen schema texts are matched in place before the LRU cache is consulted. */
const RECENT_SCHEMAS = 4

/**
 * The schema texts seen last, most recent first. Records of a topic nearly always repeat the same
 * schema: matching its text in place (`startsWith` at the current offset) skips both scanning the schema
 * and hashing a long string for the cache lookup.
 */
class RecentSchemas {
  readonly texts: string[] = []
  readonly schemas: (Schema | null)[] = []
  /** The UTF-8 bytes of each text, for matching the canonical envelope before decoding anything. */
  readonly bytes: Buffer[] = []

  /** The index of a recent text found at `pos` of `text`, or -1. */
  match(text: string, pos: number): number {
    const texts = this.texts
    for (let i = 0; i < texts.length; i++) if (text.startsWith(texts[i] as string, pos)) return i
    return -1
  }

  /** Moves entry `i` (or a new entry) to the front. */
  promote(i: number, text: string, schema: Schema | null): void {
    if (i === 0) return
    let bytes: Buffer
    if (i > 0) {
      this.texts.splice(i, 1)
      this.schemas.splice(i, 1)
      bytes = this.bytes.splice(i, 1)[0] ?? Buffer.from(text, 'utf8')
    } else {
      if (this.texts.length >= RECENT_SCHEMAS) {
        this.texts.pop()
        this.schemas.pop()
        this.bytes.pop()
      }
      bytes = Buffer.from(text, 'utf8')
    }
    this.texts.unshift(text)
    this.schemas.unshift(schema)
    this.bytes.unshift(bytes)
  }

  /**
   * For the canonical envelope `{"schema":<recent schema>,"payload":…` (as Kafka Connect and Sluice write
   * it), the index of the recent schema and the offset of the payload; undefined otherwise.
   */
  matchCanonical(input: Uint8Array): { index: number; payloadStart: number } | undefined {
    if (input.length < SCHEMA_PREFIX.length + PAYLOAD_PREFIX.length + 2 || !hasAt(input, 0, SCHEMA_PREFIX))
      return undefined
    const start = SCHEMA_PREFIX.length
    const all = this.bytes
    for (let i = 0; i < all.length; i++) {
      const b = all[i] as Buffer
      const end = start + b.length
      if (
        end + PAYLOAD_PREFIX.length < input.length &&
        b.compare(input, start, end) === 0 &&
        hasAt(input, end, PAYLOAD_PREFIX)
      ) {
        return { index: i, payloadStart: end + PAYLOAD_PREFIX.length }
      }
    }
    return undefined
  }

  clear(): void {
    this.texts.length = 0
    this.schemas.length = 0
    this.bytes.length = 0
  }
}

/**
 * Kafka Connect's `org.apache.kafka.connect.json.JsonConverter`, byte-compatible with it: the same
 * envelope `{"schema":…,"payload":…}` (with `schemas.enable=true`), the same schema JSON, and the same
 * payload text as Jackson writes it (Java's number formats, escaping, base64). Also a
 * {@link HeaderConverter}.
 *
 * Config: `schemas.enable` (default true), `schemas.cache.size` (1000), `decimal.format` (`BASE64` or
 * `NUMERIC`), `replace.null.with.default` (true), `converter.type` (set from `isKey`, `header` for a
 * header converter).
 *
 * Schema JSON is cached per schema (by identity, then by {@link schemaKey}), parsed schemas per schema
 * text, each in an LRU of `schemas.cache.size` entries.
 *
 * @example
 * ```ts
 * const c = new JsonConverter()
 * c.configure({ 'schemas.enable': 'false' }, false)
 * new TextDecoder().decode(c.fromConnectData('t', undefined, null, { a: 1 })!) // '{"a":1}'
 * ```
 */
export class JsonConverter implements Converter, HeaderConverter {
  #type: ConverterType = 'value'
  #schemasEnabled = true
  #opts: JsonDataOptions = { decimalNumeric: false, replaceNullWithDefault: true }
  #identityCache = new WeakMap<Schema, SchemaJson>()
  #toJsonCache = new LruCache<string, SchemaJson>(1000)
  #fromJsonCache = new LruCache<string, Schema | null>(1000)
  #recent = new RecentSchemas()

  /**
   * Applies the config. With `isKey` (a key or value converter) `converter.type` is set from it; without
   * (a header converter) it defaults to `header`.
   * @throws {@link ConfigError} for invalid values
   */
  configure(configs: PluginConfigs, isKey?: boolean): void {
    const parsed = JSON_CONVERTER_CONFIG_DEF.parse(withConverterType(configs, isKey))
    const cacheSize = parsed[SCHEMAS_CACHE_SIZE_CONFIG] as number
    if (cacheSize < 0) {
      const msg = `Invalid value ${cacheSize} for configuration ${SCHEMAS_CACHE_SIZE_CONFIG}: Value must be at least 0`
      throw new ConfigError(msg, { [SCHEMAS_CACHE_SIZE_CONFIG]: [msg] })
    }
    this.#type = converterTypeOf(parsed)
    this.#schemasEnabled = parsed[SCHEMAS_ENABLE_CONFIG] as boolean
    this.#opts = {
      decimalNumeric: String(parsed[DECIMAL_FORMAT_CONFIG]).toUpperCase() === 'NUMERIC',
      replaceNullWithDefault: parsed[REPLACE_NULL_WITH_DEFAULT_CONFIG] as boolean,
    }
    this.#identityCache = new WeakMap()
    this.#toJsonCache = new LruCache(cacheSize)
    this.#fromJsonCache = new LruCache(cacheSize)
    this.#recent = new RecentSchemas()
  }

  /** The config keys (Kafka's `JsonConverterConfig.configDef()`). */
  config(): ConfigDef {
    return JSON_CONVERTER_CONFIG_DEF
  }

  /**
   * Serializes `value` (of `schema`, or schemaless when null). A null schema with a null value is a
   * tombstone and gives `null`.
   * @throws {@link DataError} naming the topic, what is wrong and where in the value
   */
  fromConnectData(
    topic: string,
    _headers: Headers | undefined,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.#fromConnect(topic, schema, value, undefined)
  }

  /**
   * Deserializes JSON bytes; `null` gives the null schema and value.
   * @throws {@link DataError} for invalid JSON, a missing envelope (with `schemas.enable`), a bad schema or
   *   a payload that does not match its schema
   */
  toConnectData(topic: string, _headers: Headers | undefined, value: Uint8Array | null): SchemaAndValue {
    return this.#toConnect(topic, value, undefined)
  }

  /** {@link JsonConverter.fromConnectData} for a header value. */
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.#fromConnect(topic, schema, value, headerKey)
  }

  /** {@link JsonConverter.toConnectData} for a header value. */
  toConnectHeader(topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.#toConnect(topic, value, headerKey)
  }

  /** Drops the schema caches. */
  close(): void {
    this.#identityCache = new WeakMap()
    this.#toJsonCache.clear()
    this.#fromJsonCache.clear()
    this.#recent.clear()
  }

  /** The JSON text of a schema as it appears in the envelope (cached). */
  schemaJson(schema: Schema): string {
    return this.#schemaEntry(schema).json
  }

  #schemaEntry(schema: Schema): SchemaJson {
    const cacheable = this.#toJsonCache.capacity > 0 && schema instanceof ConnectSchema
    if (cacheable) {
      const hit = this.#identityCache.get(schema)
      if (hit !== undefined) return hit
    }
    let key: string | undefined
    if (cacheable) {
      key = schemaKey(schema)
      const hit = this.#toJsonCache.get(key)
      if (hit !== undefined) {
        this.#identityCache.set(schema, hit)
        return hit
      }
    }
    const json = schemaToJson(this.#opts, schema)
    const entry = { json, prefix: Buffer.from(`{"schema":${json},"payload":`, 'utf8') }
    if (key !== undefined) {
      this.#toJsonCache.set(key, entry)
      this.#identityCache.set(schema, entry)
    }
    return entry
  }

  #fromConnect(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    const s = schema ?? null
    if (s === null && (value === null || value === undefined)) return null
    let prefix: Buffer
    let payload: string
    try {
      if (!this.#schemasEnabled) return encoder.encode(writeJson(this.#opts, s, value))
      // Schema first: Java builds the schema JSON before the payload, so its errors win.
      prefix = s === null ? NULL_SCHEMA_PREFIX : this.#schemaEntry(s).prefix
      payload = writeJson(this.#opts, s, value)
    } catch (err) {
      throw conversionError(TO_BYTES, this.#type, topic, err, headerKey)
    }
    // The envelope's prefix is cached as bytes: only the payload is encoded per record. allocUnsafeSlow
    // gives the message its own memory (not Node's shared pool), so it can be kept or transferred.
    const length = Buffer.byteLength(payload, 'utf8')
    const out = Buffer.allocUnsafeSlow(prefix.length + length + 1)
    prefix.copy(out, 0)
    out.write(payload, prefix.length, 'utf8')
    out[out.length - 1] = 0x7d
    return out
  }

  #toConnect(topic: string, bytes: Uint8Array | null, headerKey: string | undefined): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE
    try {
      if (!this.#schemasEnabled) {
        const text = decodeUtf8(bytes)
        const fast = readSchemalessFast(text)
        return {
          schema: null,
          value: fast !== NEEDS_READER ? fast : readJson(this.#opts, null, new JsonReader(text).readRoot()),
        }
      }
      const recent = this.#recent
      const canonical = recent.matchCanonical(bytes)
      if (canonical !== undefined) {
        // Only the payload is decoded and parsed; it must be the last member of the envelope.
        const reader = new JsonReader(decodeUtf8(bytes.subarray(canonical.payloadStart)))
        reader.enter()
        let payload: JsonValue | undefined
        try {
          payload = reader.readValue()
        } catch {
          // Report syntax errors from the general path, with positions in the whole message.
          reader.pos = -1
        }
        if (reader.pos >= 0 && reader.skipWhitespace() === 0x7d) {
          const schema = recent.schemas[canonical.index] ?? null
          recent.promote(canonical.index, recent.texts[canonical.index] as string, schema)
          return { schema, value: readJson(this.#opts, schema, payload) }
        }
      }
      const reader = new JsonReader(decodeUtf8(bytes))
      const envelope = readEnvelope(reader, this.#fromJsonCache.capacity > 0 ? recent : undefined)
      let schema: Schema | null
      if (envelope.recent >= 0) {
        schema = recent.schemas[envelope.recent] ?? null
        recent.promote(envelope.recent, envelope.schemaText, schema)
      } else {
        schema = this.#schemaFromText(envelope.schemaText)
        if (this.#fromJsonCache.capacity > 0) recent.promote(-1, envelope.schemaText, schema)
      }
      return { schema, value: readJson(this.#opts, schema, envelope.payload) }
    } catch (err) {
      if (err instanceof JsonSyntaxError) {
        throw conversionError(
          FROM_BYTES,
          this.#type,
          topic,
          new ValueError(`invalid JSON: ${err.message}`, { cause: err }),
          headerKey,
        )
      }
      throw conversionError(FROM_BYTES, this.#type, topic, err, headerKey)
    }
  }

  #schemaFromText(text: string): Schema | null {
    const cached = this.#fromJsonCache.get(text)
    if (cached !== undefined) return cached
    if (text === 'null') return null
    const json = new JsonReader(text).readRoot()
    let schema: Schema | null
    try {
      schema = schemaFromJson(this.#opts, json ?? null)
    } catch (err) {
      const e = err instanceof ValueError ? err : new ValueError((err as Error).message, { cause: err })
      e.segments.unshift('schema')
      throw e
    }
    this.#fromJsonCache.set(text, schema)
    return schema
  }
}

/**
 * Reads `{"schema":…,"payload":…}`, keeping the schema as raw text so a cached schema is never rebuilt.
 * Like Jackson's tree, a repeated member counts once and its last value wins.
 * @throws {@link ValueError} with Kafka's envelope message when the shape is wrong
 */
function readEnvelope(reader: JsonReader, recent: RecentSchemas | undefined): Envelope {
  let c = reader.skipWhitespace()
  if (c !== 0x7b) {
    reader.readRoot() // syntax errors first, as Jackson parses before the envelope check
    throw new ValueError(ENVELOPE_MESSAGE)
  }
  const text = reader.text
  reader.enter()
  reader.pos++
  let schemaStart = -1
  let schemaEnd = -1
  let recentHit = -1
  let payload: JsonValue | undefined
  let hasPayload = false
  let extra = false
  c = reader.skipWhitespace()
  if (c === 0x7d) reader.pos++
  else {
    for (;;) {
      if (c !== 0x22) throw reader.unexpected(c, 'was expecting double-quote to start field name')
      const key = reader.readString()
      c = reader.skipWhitespace()
      if (c !== 0x3a) throw reader.unexpected(c, 'was expecting a colon to separate field name and value')
      reader.pos++
      if (key === 'schema') {
        reader.skipWhitespace()
        // A recent schema text at this offset is the whole value: a JSON object or `null` cannot continue
        // past its end, and whatever follows is checked as the next token.
        recentHit = recent === undefined ? -1 : recent.match(text, reader.pos)
        const hitText = recentHit >= 0 ? recent?.texts[recentHit] : undefined
        if (hitText !== undefined) {
          schemaStart = reader.pos
          reader.pos += hitText.length
        } else {
          schemaStart = reader.skipValue()
        }
        schemaEnd = reader.pos
      } else if (key === 'payload') {
        payload = reader.readValue()
        hasPayload = true
      } else {
        reader.readValue()
        extra = true
      }
      c = reader.skipWhitespace()
      if (c === 0x2c) {
        reader.pos++
        c = reader.skipWhitespace()
        continue
      }
      if (c === 0x7d) {
        reader.pos++
        break
      }
      throw c === -1
        ? reader.error('Unexpected end-of-input: expected close marker for Object')
        : reader.unexpected(c, "was expecting comma to separate Object entries or '}'")
    }
  }
  reader.leave()
  if (extra || schemaStart < 0 || !hasPayload) {
    if (schemaStart >= 0) new JsonReader(text.slice(schemaStart, schemaEnd)).readRoot()
    throw new ValueError(ENVELOPE_MESSAGE)
  }
  const schemaText =
    recentHit >= 0 ? (recent?.texts[recentHit] as string) : text.slice(schemaStart, schemaEnd)
  return { recent: recentHit, schemaText, payload }
}
