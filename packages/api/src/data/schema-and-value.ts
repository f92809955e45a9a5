import type { Schema } from './schema.js'

/**
 * A value together with its schema (Kafka Connect's `SchemaAndValue`), as returned by
 * `Converter.toConnectData`. `schema` is `null` for schemaless data.
 */
export interface SchemaAndValue {
  /** The schema of `value`, or `null` when the data has no schema. */
  readonly schema: Schema | null
  /** The value, represented as described on {@link Schema}; `null` for a null (tombstone) value. */
  readonly value: unknown
}

/** The null schema and value (Kafka Connect's `SchemaAndValue.NULL`). */
export const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null })
