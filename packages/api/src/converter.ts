import type { ConfigDef } from './config/index.js'
import type { Schema, SchemaAndValue } from './data/index.js'
import type { Headers } from './header.js'

/** Configuration handed to `configure`, with the converter's prefix removed. */
export type PluginConfigs = Readonly<Record<string, unknown>>

/**
 * Converts between Connect data and the bytes stored in Kafka (Kafka Connect's `Converter`).
 * One instance converts keys or values (see `isKey`), never both.
 */
export interface Converter {
  configure(configs: PluginConfigs, isKey: boolean): void
  /** Serializes `value` (of `schema`, or schemaless when null). Null values stay null (tombstones). */
  fromConnectData(
    topic: string,
    headers: Headers | undefined,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null
  /** Deserializes bytes read from `topic`. */
  toConnectData(topic: string, headers: Headers | undefined, value: Uint8Array | null): SchemaAndValue
  config(): ConfigDef
  close?(): void
}

/** Converts header values (Kafka Connect's `HeaderConverter`). */
export interface HeaderConverter {
  configure(configs: PluginConfigs): void
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null
  toConnectHeader(topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue
  config(): ConfigDef
  close?(): void
}
