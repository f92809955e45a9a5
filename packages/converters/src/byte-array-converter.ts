import type {
  ConfigDef,
  Converter,
  HeaderConverter,
  Headers,
  PluginConfigs,
  Schema,
  SchemaAndValue,
} from '@sluice/api'
import { DataError, Schemas } from '@sluice/api'
import { subject } from './conversion-error.js'
import { type ConverterType, newConverterConfigDef, stageOf } from './converter-config.js'
import { describeJsValue } from './java/java-strings.js'

const CONFIG_DEF = newConverterConfigDef()

/**
 * Kafka Connect's `org.apache.kafka.connect.converters.ByteArrayConverter`: passes bytes through
 * unchanged; the schema, when given, must be `BYTES`; reads bytes as optional `BYTES`. Also a
 * {@link HeaderConverter}. Like Kafka's, `configure` ignores its config.
 */
export class ByteArrayConverter implements Converter, HeaderConverter {
  #type: ConverterType = 'value'

  configure(_configs: PluginConfigs, isKey?: boolean): void {
    this.#type = isKey === undefined ? 'header' : isKey ? 'key' : 'value'
  }

  config(): ConfigDef {
    return CONFIG_DEF
  }

  /** The bytes themselves. @throws {@link DataError} for a non-`BYTES` schema or a value that is not bytes */
  fromConnectData(
    topic: string,
    _headers: Headers | undefined,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.#from(topic, schema, value, undefined)
  }

  toConnectData(_topic: string, _headers: Headers | undefined, value: Uint8Array | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: value ?? null }
  }

  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.#from(topic, schema, value, headerKey)
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, undefined, value)
  }

  close(): void {}

  #from(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    if (schema !== null && schema !== undefined && schema.type !== 'BYTES') {
      throw this.#error(`Invalid schema type for ByteArrayConverter: ${schema.type}`, topic, headerKey)
    }
    if (value === null || value === undefined) return null
    if (!(value instanceof Uint8Array)) {
      throw this.#error(
        `ByteArrayConverter is not compatible with objects of type ${describeJsValue(value)}`,
        topic,
        headerKey,
      )
    }
    return value
  }

  #error(message: string, topic: string, headerKey: string | undefined): DataError {
    return new DataError(`${message} (${subject(this.#type, topic, headerKey)})`, {
      stage: stageOf(this.#type),
    })
  }
}
