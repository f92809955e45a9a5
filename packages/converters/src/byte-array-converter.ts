import type { ConfigDef, HeaderConverter, PluginConfigs, Schema, SchemaAndValue } from '@sluice/api'
import { describeJsValue, Schemas } from '@sluice/api'
import { converterDataError } from './conversion-error.js'
import { ConverterBase } from './converter-base.js'
import { type ConverterType, newConverterConfigDef } from './converter-config.js'

const CONFIG_DEF = newConverterConfigDef()

/**
 * Kafka Connect's `org.apache.kafka.connect.converters.ByteArrayConverter`: passes bytes through
 * unchanged; the schema, when given, must be `BYTES`; reads bytes as optional `BYTES`. Also a
 * {@link HeaderConverter}. Like Kafka's, `configure` ignores its config.
 */
export class ByteArrayConverter extends ConverterBase {
  #type: ConverterType = 'value'

  override configure(_configs: PluginConfigs, isKey?: boolean): void {
    this.#type = isKey === undefined ? 'header' : isKey ? 'key' : 'value'
  }

  override config(): ConfigDef {
    return CONFIG_DEF
  }

  /** The bytes themselves. @throws {@link DataError} for a non-`BYTES` schema or a value that is not bytes */
  protected override fromConnectValue(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    if (schema !== null && schema !== undefined && schema.type !== 'BYTES') {
      throw converterDataError(
        this.#type,
        `Invalid schema type for ByteArrayConverter: ${schema.type}`,
        topic,
        headerKey,
      )
    }
    if (value === null || value === undefined) return null
    if (!(value instanceof Uint8Array)) {
      throw converterDataError(
        this.#type,
        `ByteArrayConverter is not compatible with objects of type ${describeJsValue(value)}`,
        topic,
        headerKey,
      )
    }
    return value
  }

  protected override toConnectValue(
    _topic: string,
    value: Uint8Array | null,
    _headerKey: string | undefined,
  ): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: value ?? null }
  }
}
