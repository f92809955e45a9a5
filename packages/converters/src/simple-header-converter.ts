import type { ConfigDef, HeaderConverter, PluginConfigs, Schema, SchemaAndValue } from '@sluice/api'
import {
  valuesConvertToString as convertToString,
  DataError,
  ConfigDef as Def,
  NULL_SCHEMA_AND_VALUE,
  parseString,
  Schemas,
} from '@sluice/api'
import { UTF_8 } from './charsets.js'
import { subject } from './conversion-error.js'

const CONFIG_DEF: ConfigDef = new Def()

/**
 * Kafka Connect's `org.apache.kafka.connect.storage.SimpleHeaderConverter`, the default header converter:
 * writes a header value's string form (`Values.convertToString`: `42`, `[1,2]`, `{"a":1}`,
 * `2024-01-15`) as UTF-8, and reads header bytes back with `Values.parseString`, inferring the schema
 * (BOOLEAN, the narrowest integer type, FLOAT32/FLOAT64/Decimal, Date/Time/Timestamp, ARRAY, MAP, else
 * STRING). Bytes that cannot be read that way are returned as `BYTES`. It has no config.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  configure(_configs: PluginConfigs): void {}

  config(): ConfigDef {
    return CONFIG_DEF
  }

  /** The value's string form in UTF-8; `null` stays `null`. @throws {@link DataError} for a value without one */
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null
    let text: string | null
    try {
      text = convertToString(schema, value)
    } catch (err) {
      throw new DataError(`${(err as Error).message} (${subject('header', topic, headerKey)})`, {
        stage: 'convert.header',
        cause: err,
      })
    }
    return text === null ? null : UTF_8.encode(text)
  }

  /** The parsed schema and value of the UTF-8 text; `BYTES` with the raw bytes when it cannot be parsed. */
  toConnectHeader(_topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null || value === undefined) return NULL_SCHEMA_AND_VALUE
    try {
      return parseString(UTF_8.decode(value))
    } catch {
      // Java logs a warning and keeps the raw bytes.
      return { schema: Schemas.BYTES, value }
    }
  }

  close(): void {}
}
