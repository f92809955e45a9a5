import { DataError } from '../errors.js'
import { TIMESTAMP_LOGICAL_NAME } from './logical-names.js'
import type { Schema } from './schema.js'
import { SchemaBuilder } from './schema-builder.js'

/**
 * The Timestamp logical type (Kafka Connect's `org.apache.kafka.connect.data.Timestamp`): an `INT64` schema
 * named {@link TimestampLogical.LOGICAL_NAME}, version 1, whose encoded value is milliseconds since the Unix
 * epoch. The logical value is a JS `Date`.
 *
 * @example
 * ```ts
 * TimestampLogical.fromLogical(TimestampLogical.SCHEMA, new Date(1700000000000)) // 1700000000000
 * ```
 */
export const TimestampLogical = Object.freeze({
  /** `org.apache.kafka.connect.data.Timestamp` */
  LOGICAL_NAME: TIMESTAMP_LOGICAL_NAME,
  /** A builder for a Timestamp schema (add `.optional()` etc. before `build()`). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1)
  },
  /** The required Timestamp schema. */
  SCHEMA: SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build() as Schema,
  /**
   * Milliseconds since the epoch.
   * @throws {@link DataError} when the schema is not a Timestamp schema
   */
  fromLogical(schema: Schema, value: Date): number {
    if (schema.name !== TIMESTAMP_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Timestamp object but the schema does not match.')
    }
    return value.getTime()
  },
  /**
   * The `Date` for a millisecond timestamp (`bigint` accepted for INT64 values).
   * @throws {@link DataError} when the schema is not a Timestamp schema
   */
  toLogical(schema: Schema, value: number | bigint): Date {
    if (schema.name !== TIMESTAMP_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Timestamp object but the schema does not match.')
    }
    return new Date(Number(value))
  },
})
