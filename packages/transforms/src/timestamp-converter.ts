/** Kafka's `TimestampConverter$Key` / `$Value`: between unix longs, strings and Date/Time/Timestamp. */
import type { ConnectRecord, PluginConfigs, Schema, Transformation } from '@sluice/api'
import {
  AbstractConfig,
  ConfigDef,
  ConfigError,
  ConnectError,
  DataError,
  DateLogical,
  isBlank,
  SchemaBuilder,
  Schemas,
  Struct,
  schemaToString,
  TimeLogical,
  TimestampLogical,
  ValidString,
} from '@sluice/api'
import { javaClass, mapLike, requireMap, requireStructOrNull } from './util/requirements.js'
import { copySchemaBasics, SchemaCache } from './util/schema-util.js'
import { KEY, type Side, VALUE } from './util/sides.js'
import { SimpleDateFormat } from './util/simple-date-format.js'
import { REPLACE_NULL_WITH_DEFAULT_KEY } from './util/validators.js'

type TsType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp'
type Precision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds'

export const TIMESTAMP_CONVERTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'field',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
  })
  .define({
    name: 'target.type',
    type: 'STRING',
    validator: ValidString.in('string', 'unix', 'Date', 'Time', 'Timestamp'),
    importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  })
  .define({
    name: 'format',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    documentation:
      'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
  })
  .define({
    name: 'unix.precision',
    type: 'STRING',
    defaultValue: 'milliseconds',
    validator: ValidString.in('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
    importance: 'LOW',
    documentation:
      'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_KEY)

const OPTIONAL_DATE = DateLogical.builder().optional().build()
const OPTIONAL_TIME = TimeLogical.builder().optional().build()
const OPTIONAL_TIMESTAMP = TimestampLogical.builder().optional().build()

function typeSchema(type: TsType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING
    case 'unix':
      return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64
    case 'Date':
      return optional ? OPTIONAL_DATE : DateLogical.SCHEMA
    case 'Time':
      return optional ? OPTIONAL_TIME : TimeLogical.SCHEMA
    case 'Timestamp':
      return optional ? OPTIONAL_TIMESTAMP : TimestampLogical.SCHEMA
  }
}

/** Java's `TimeUnit` conversions: truncating division, saturating multiplication. */
function scale(n: bigint, mul: bigint, div: bigint): bigint {
  const max = 2n ** 63n - 1n
  const min = -(2n ** 63n)
  const r = (n * mul) / div
  return r > max ? max : r < min ? min : r
}

abstract class TimestampConverter implements Transformation {
  readonly #side: Side
  #field = ''
  #type: TsType = 'unix'
  #format: SimpleDateFormat | undefined
  #precision: Precision = 'milliseconds'
  #withDefault = true
  #cache = new SchemaCache()
  constructor(side: Side) {
    this.#side = side
  }
  configure(configs: PluginConfigs): void {
    const c = new AbstractConfig(TIMESTAMP_CONVERTER_CONFIG_DEF, configs)
    this.#field = c.getString('field') ?? ''
    this.#type = c.getString('target.type') as TsType
    const pattern = c.getString('format') ?? ''
    this.#precision = c.getString('unix.precision') as Precision
    this.#withDefault = c.getBoolean('replace.null.with.default') ?? true
    this.#cache = new SchemaCache()
    if (this.#type === 'string' && isBlank(pattern)) {
      throw new ConfigError(
        'TimestampConverter requires format option to be specified when using string timestamps',
      )
    }
    this.#format = undefined
    if (!isBlank(pattern)) {
      try {
        this.#format = new SimpleDateFormat(pattern)
      } catch (err) {
        throw new ConfigError(
          `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`,
          {},
          { cause: err },
        )
      }
    }
  }

  #toRaw(type: TsType, orig: unknown, schema: Schema | null): Date {
    switch (type) {
      case 'string': {
        if (typeof orig !== 'string') {
          throw new DataError(
            `Expected string timestamp to be a String, but found ${javaClass(orig, schema)}`,
          )
        }
        const f = this.#format
        if (f === undefined) {
          // Java dereferences its null format here; the same failure, with Java's text.
          throw new DataError(
            'Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null',
          )
        }
        try {
          return f.parse(orig)
        } catch (err) {
          throw new DataError(
            `Could not parse timestamp: value (${orig}) does not match pattern (${f.pattern})`,
            { cause: err },
          )
        }
      }
      case 'unix': {
        const isLong =
          typeof orig === 'bigint' ||
          (typeof orig === 'number' && Number.isInteger(orig) && (schema === null || schema.type === 'INT64'))
        if (!isLong)
          throw new DataError(`Expected Unix timestamp to be a Long, but found ${javaClass(orig, schema)}`)
        const n = BigInt(orig as number | bigint)
        const ms =
          this.#precision === 'seconds'
            ? scale(n, 1000n, 1n)
            : this.#precision === 'microseconds'
              ? n / 1000n
              : this.#precision === 'nanoseconds'
                ? n / 1_000_000n
                : n
        return new Date(Number(ms))
      }
      default:
        if (!(orig instanceof Date)) {
          const what = type === 'Date' ? 'Date' : type === 'Time' ? 'Time' : 'Timestamp'
          throw new DataError(`Expected ${what} to be a java.util.Date, but found ${javaClass(orig, schema)}`)
        }
        return orig
    }
  }

  #toType(d: Date): unknown {
    switch (this.#type) {
      case 'string':
        return this.#format!.format(d)
      case 'unix': {
        const ms = BigInt(d.getTime())
        const out =
          this.#precision === 'seconds'
            ? ms / 1000n
            : this.#precision === 'microseconds'
              ? scale(ms, 1000n, 1n)
              : this.#precision === 'nanoseconds'
                ? scale(ms, 1_000_000n, 1n)
                : ms
        return Number.isSafeInteger(Number(out)) ? Number(out) : out
      }
      case 'Date':
        return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
      case 'Time':
        return new Date(((d.getTime() % 86_400_000) + 86_400_000) % 86_400_000)
      case 'Timestamp':
        return d
    }
  }

  #convert(value: unknown, from: TsType | undefined, schema: Schema | null): unknown {
    if (value === null || value === undefined) return null
    let type = from
    if (type === undefined) {
      if (value instanceof Date) type = 'Timestamp'
      else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))
        type = 'unix'
      else if (typeof value === 'string') type = 'string'
      else {
        throw new DataError(`TimestampConverter does not support ${javaClass(value)} objects as timestamps`)
      }
    }
    return this.#toType(this.#toRaw(type, value, schema))
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#side.schema(record)
    const value = this.#side.value(record)
    if (schema === null) {
      if (value === null || value === undefined || this.#field === '') {
        return this.#side.with(record, null, this.#convert(value, undefined, null))
      }
      const updated = new Map(requireMap(value, 'converting timestamp formats'))
      updated.set(this.#field, this.#convert(updated.get(this.#field) ?? null, undefined, null))
      return this.#side.with(record, null, mapLike(value, updated))
    }
    if (this.#field === '') {
      return this.#side.with(
        record,
        typeSchema(this.#type, schema.isOptional),
        this.#convert(value, typeFromSchema(schema), schema),
      )
    }
    const struct = requireStructOrNull(value, 'converting timestamp formats')
    const updatedSchema = this.#cache.getOrCompute(schema, (s) => {
      const b = copySchemaBasics(s, SchemaBuilder.struct())
      for (const f of s.fields) {
        b.field(f.name, f.name === this.#field ? typeSchema(this.#type, f.schema.isOptional) : f.schema)
      }
      if (s.isOptional) b.optional()
      if (s.defaultValue !== undefined && s.defaultValue !== null) {
        b.defaultValue(this.#applyValue(s.defaultValue as Struct, b.build()))
      }
      return b.build()
    })
    return this.#side.with(record, updatedSchema, this.#applyValue(struct, updatedSchema))
  }

  #applyValue(value: Struct | null, updatedSchema: Schema): Struct | null {
    if (value === null) return null
    const out = new Struct(updatedSchema)
    for (const f of value.schema.fields) {
      const v = this.#withDefault ? value.get(f.name) : value.getWithoutDefault(f.name)
      out.put(f.name, f.name === this.#field ? this.#convert(v, typeFromSchema(f.schema), f.schema) : v)
    }
    return out
  }

  config(): ConfigDef {
    return TIMESTAMP_CONVERTER_CONFIG_DEF
  }
  close(): void {}
}

function typeFromSchema(schema: Schema): TsType {
  if (schema.name === TimestampLogical.LOGICAL_NAME) return 'Timestamp'
  if (schema.name === DateLogical.LOGICAL_NAME) return 'Date'
  if (schema.name === TimeLogical.LOGICAL_NAME) return 'Time'
  if (schema.type === 'STRING') return 'string'
  if (schema.type === 'INT64') return 'unix'
  throw new ConnectError(
    'XC_DATA',
    `Schema ${schemaToString(schema)} does not correspond to a known timestamp type format`,
  )
}

export class TimestampConverterKey extends TimestampConverter {
  constructor() {
    super(KEY)
  }
}
export class TimestampConverterValue extends TimestampConverter {
  constructor() {
    super(VALUE)
  }
}
