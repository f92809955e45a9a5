import type { ConfigDef, HeaderConverter, PluginConfigs, Schema, SchemaAndValue } from '@sluice/api'
import { ConfigError, describeJsValue, javaToString, Schemas } from '@sluice/api'
import { type JavaCharset, javaCharset, SUPPORTED_CHARSETS, UTF_8 } from './charsets.js'
import { conversionError, ValueError } from './conversion-error.js'
import { ConverterBase } from './converter-base.js'
import {
  type ConverterType,
  converterTypeOf,
  newConverterConfigDef,
  withConverterType,
} from './converter-config.js'

/** `converter.encoding` (Kafka Connect's `StringConverterConfig.ENCODING_CONFIG`). */
export const ENCODING_CONFIG = 'converter.encoding'

/** StringConverter's keys (Kafka Connect's `StringConverterConfig`). */
export const STRING_CONVERTER_CONFIG_DEF: ConfigDef = newConverterConfigDef().define({
  name: ENCODING_CONFIG,
  type: 'STRING',
  defaultValue: 'UTF-8',
  importance: 'HIGH',
  documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
  orderInGroup: -1,
  width: 'MEDIUM',
  displayName: 'Encoding',
})

/**
 * Kafka Connect's `org.apache.kafka.connect.storage.StringConverter`: writes any value's Java
 * `toString()` (the schema is only used to print numbers as their Java type would, e.g. `1.0` for a
 * FLOAT64), reads bytes as an optional string. Also a {@link HeaderConverter}.
 *
 * Config: `converter.encoding` (UTF-8, ISO-8859-1, US-ASCII, UTF-16, UTF-16BE, UTF-16LE and their Java
 * aliases); like Kafka's string serializer, `{key|value}.serializer.encoding`,
 * `{key|value}.deserializer.encoding` and `serializer.encoding`/`deserializer.encoding` override it.
 */
export class StringConverter extends ConverterBase {
  #type: ConverterType = 'value'
  #encoder: JavaCharset = UTF_8
  #decoder: JavaCharset = UTF_8

  /** @throws {@link ConfigError} for an unsupported encoding */
  override configure(configs: PluginConfigs, isKey?: boolean): void {
    const parsed = STRING_CONVERTER_CONFIG_DEF.parse(withConverterType(configs, isKey))
    this.#type = converterTypeOf(parsed)
    const encoding = parsed[ENCODING_CONFIG] as string
    const prefix = this.#type === 'key' ? 'key' : 'value'
    this.#encoder = charset(configs, [`${prefix}.serializer.encoding`, 'serializer.encoding'], encoding)
    this.#decoder = charset(configs, [`${prefix}.deserializer.encoding`, 'deserializer.encoding'], encoding)
  }

  override config(): ConfigDef {
    return STRING_CONVERTER_CONFIG_DEF
  }

  /** The value's Java `toString()`, encoded; `null` stays `null`. */
  protected override fromConnectValue(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headerKey: string | undefined,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null
    const text = typeof value === 'string' ? value : javaToString(value, schema)
    if (text === undefined) {
      // Java would write the array's identity hash ("[B@1b6d3586"); refuse instead.
      throw conversionError(
        'Serializing to a string',
        this.#type,
        topic,
        new ValueError(
          `StringConverter cannot write ${describeJsValue(value)} values; use ByteArrayConverter for bytes`,
        ),
        headerKey,
      )
    }
    return this.#encoder.encode(text)
  }

  /** The bytes decoded as an optional string. */
  protected override toConnectValue(
    _topic: string,
    value: Uint8Array | null,
    _headerKey: string | undefined,
  ): SchemaAndValue {
    return {
      schema: Schemas.OPTIONAL_STRING,
      value: value === null || value === undefined ? null : this.#decoder.decode(value),
    }
  }
}

function charset(configs: PluginConfigs, overrides: readonly string[], fallback: string): JavaCharset {
  let name = fallback
  let key = ENCODING_CONFIG
  for (const k of overrides) {
    const v = configs[k]
    if (typeof v === 'string') {
      name = v
      key = k
      break
    }
  }
  const cs = javaCharset(name)
  if (cs === undefined) {
    const msg = `Invalid value ${name} for configuration ${key}: unsupported encoding; use one of ${SUPPORTED_CHARSETS.join(', ')}`
    throw new ConfigError(msg, { [key]: [msg] })
  }
  return cs
}
