import type { ConfigDef, PluginConfigs, Schema, SchemaAndValue } from '@sluice/api'
import { DataError, describeJsValue, Schemas } from '@sluice/api'
import { converterDataError, subject } from './conversion-error.js'
import { ConverterBase } from './converter-base.js'
import {
  type ConverterType,
  converterTypeOf,
  newConverterConfigDef,
  stageOf,
  withConverterType,
} from './converter-config.js'

const CONFIG_DEF = newConverterConfigDef()
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** The `converter.type` of a converter configured with `configs` (only `converter.type` is parsed). */
function parseConverterType(configs: PluginConfigs, isKey: boolean | undefined): ConverterType {
  return converterTypeOf(CONFIG_DEF.parse(withConverterType(configs, isKey)))
}

/** How one primitive type is laid out (Kafka's serializers: big-endian, IEEE 754). */
interface Layout {
  /** Kafka's name of the type in messages (`short`, `integer`, …). */
  readonly typeName: string
  /** The deserializer named in Kafka's size message. */
  readonly deserializer: string
  readonly size: number
  readonly schema: Schema
  /** Writes `value` or returns false when it is not a value of this type. */
  write(view: DataView, value: unknown): boolean
  read(view: DataView): unknown
}

function intLayout(typeName: string, deserializer: string, size: 2 | 4, schema: Schema): Layout {
  const min = size === 2 ? -32768 : -2147483648
  const max = size === 2 ? 32767 : 2147483647
  return {
    typeName,
    deserializer,
    size,
    schema,
    write: (view, v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return false
      if (size === 2) view.setInt16(0, v)
      else view.setInt32(0, v)
      return true
    },
    read: (view) => (size === 2 ? view.getInt16(0) : view.getInt32(0)),
  }
}

const LAYOUTS = {
  short: intLayout('short', 'ShortDeserializer', 2, Schemas.OPTIONAL_INT16),
  integer: intLayout('integer', 'IntegerDeserializer', 4, Schemas.OPTIONAL_INT32),
  long: {
    typeName: 'long',
    deserializer: 'LongDeserializer',
    size: 8,
    schema: Schemas.OPTIONAL_INT64,
    write: (view, v) => {
      let big: bigint
      if (typeof v === 'bigint') big = v
      else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v)
      else return false
      if (big < INT64_MIN || big > INT64_MAX) return false
      view.setBigInt64(0, big)
      return true
    },
    read: (view) => {
      const big = view.getBigInt64(0)
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big
    },
  },
  float: {
    typeName: 'float',
    deserializer: 'Deserializer',
    size: 4,
    schema: Schemas.OPTIONAL_FLOAT32,
    write: (view, v) => {
      if (typeof v !== 'number') return false
      view.setFloat32(0, v)
      return true
    },
    read: (view) => view.getFloat32(0),
  },
  double: {
    typeName: 'double',
    deserializer: 'Deserializer',
    size: 8,
    schema: Schemas.OPTIONAL_FLOAT64,
    write: (view, v) => {
      if (typeof v !== 'number') return false
      view.setFloat64(0, v)
      return true
    },
    read: (view) => view.getFloat64(0),
  },
} satisfies Record<string, Layout>

/**
 * A converter of one primitive type, configured by `converter.type` alone: Kafka's `NumberConverter`s
 * and `BooleanConverter` read no other key.
 */
abstract class PrimitiveConverter extends ConverterBase {
  /** What the converter converts (key, value or header): named in messages, and the error stage. */
  protected type: ConverterType = 'value'

  override configure(configs: PluginConfigs, isKey?: boolean): void {
    this.type = parseConverterType(configs, isKey)
  }

  override config(): ConfigDef {
    return CONFIG_DEF
  }
}

/**
 * The numeric converters of Kafka Connect (`org.apache.kafka.connect.converters.NumberConverter`
 * subclasses): values as Kafka's primitive serializers write them (big-endian two's complement, IEEE 754),
 * read back with an optional schema of the type. The schema given to `fromConnectData` is ignored, as in
 * Kafka; the value must be a number of the type's range (`long` also takes `bigint`).
 */
abstract class NumberConverter extends PrimitiveConverter {
  readonly #layout: Layout

  protected constructor(layout: Layout) {
    super()
    this.#layout = layout
  }

  protected override fromConnectValue(
    topic: string,
    _schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null
    const out = new Uint8Array(this.#layout.size)
    if (!this.#layout.write(new DataView(out.buffer), value)) {
      throw new DataError(
        `Failed to serialize to ${this.#layout.typeName} (was ${describeJsValue(value)} ${String(value)}) for ${subject(this.type, topic, headerKey)}`,
        { stage: stageOf(this.type) },
      )
    }
    return out
  }

  protected override toConnectValue(
    topic: string,
    value: Uint8Array | null,
    headerKey: string | undefined,
  ): SchemaAndValue {
    const layout = this.#layout
    if (value === null || value === undefined) return { schema: layout.schema, value: null }
    if (value.length !== layout.size) {
      throw new DataError(
        `Failed to deserialize ${layout.typeName}: Size of data received by ${layout.deserializer} is not ${layout.size} (got ${value.length} bytes for ${subject(this.type, topic, headerKey)})`,
        { stage: stageOf(this.type) },
      )
    }
    return {
      schema: layout.schema,
      value: layout.read(new DataView(value.buffer, value.byteOffset, value.byteLength)),
    }
  }
}

/** Kafka Connect's `org.apache.kafka.connect.converters.ShortConverter` (2 bytes, `OPTIONAL_INT16`). */
export class ShortConverter extends NumberConverter {
  constructor() {
    super(LAYOUTS.short)
  }
}

/** Kafka Connect's `org.apache.kafka.connect.converters.IntegerConverter` (4 bytes, `OPTIONAL_INT32`). */
export class IntegerConverter extends NumberConverter {
  constructor() {
    super(LAYOUTS.integer)
  }
}

/** Kafka Connect's `org.apache.kafka.connect.converters.LongConverter` (8 bytes, `OPTIONAL_INT64`; `bigint` beyond 2^53). */
export class LongConverter extends NumberConverter {
  constructor() {
    super(LAYOUTS.long)
  }
}

/** Kafka Connect's `org.apache.kafka.connect.converters.FloatConverter` (IEEE 754 single, `OPTIONAL_FLOAT32`). */
export class FloatConverter extends NumberConverter {
  constructor() {
    super(LAYOUTS.float)
  }
}

/** Kafka Connect's `org.apache.kafka.connect.converters.DoubleConverter` (IEEE 754 double, `OPTIONAL_FLOAT64`). */
export class DoubleConverter extends NumberConverter {
  constructor() {
    super(LAYOUTS.double)
  }
}

/**
 * Kafka Connect's `org.apache.kafka.connect.converters.BooleanConverter`: one byte, `0x01` or `0x00`;
 * the schema, when given, must be `BOOLEAN`; reads `OPTIONAL_BOOLEAN`.
 */
export class BooleanConverter extends PrimitiveConverter {
  protected override fromConnectValue(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    if (schema !== null && schema !== undefined && schema.type !== 'BOOLEAN') {
      throw this.#error(`Invalid schema type for BooleanConverter: ${schema.type}`, topic, headerKey)
    }
    if (value === null || value === undefined) return null
    if (typeof value !== 'boolean') {
      throw this.#error(
        `BooleanConverter is not compatible with objects of type ${describeJsValue(value)}`,
        topic,
        headerKey,
      )
    }
    return Uint8Array.of(value ? 1 : 0)
  }

  protected override toConnectValue(
    topic: string,
    value: Uint8Array | null,
    headerKey: string | undefined,
  ): SchemaAndValue {
    if (value === null || value === undefined) return { schema: Schemas.OPTIONAL_BOOLEAN, value: null }
    if (value.length !== 1) {
      throw this.#error(
        'Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1',
        topic,
        headerKey,
      )
    }
    if (value[0] === 1) return { schema: Schemas.OPTIONAL_BOOLEAN, value: true }
    if (value[0] === 0) return { schema: Schemas.OPTIONAL_BOOLEAN, value: false }
    const signed = ((value[0] ?? 0) << 24) >> 24
    throw this.#error(
      `Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${signed}`,
      topic,
      headerKey,
    )
  }

  #error(message: string, topic: string, headerKey: string | undefined): DataError {
    return converterDataError(this.type, message, topic, headerKey)
  }
}
