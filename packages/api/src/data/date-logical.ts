import { DataError } from '../errors.js'
import { DATE_LOGICAL_NAME, MILLIS_PER_DAY } from './logical-names.js'
import type { Schema } from './schema.js'
import { SchemaBuilder } from './schema-builder.js'

/**
 * The Date logical type (Kafka Connect's `org.apache.kafka.connect.data.Date`): an `INT32` schema named
 * {@link DateLogical.LOGICAL_NAME}, version 1, whose encoded value is the number of days since the Unix epoch
 * (UTC). The logical value is a JS `Date` at UTC midnight. Named `DateLogical` so as not to shadow the
 * global `Date`.
 *
 * @example
 * ```ts
 * DateLogical.fromLogical(DateLogical.SCHEMA, new Date('1970-01-11T00:00:00Z')) // 10
 * DateLogical.toLogical(DateLogical.SCHEMA, 10) // 1970-01-11T00:00:00.000Z
 * ```
 */
export const DateLogical = Object.freeze({
  /** `org.apache.kafka.connect.data.Date` */
  LOGICAL_NAME: DATE_LOGICAL_NAME,
  /** A builder for a Date schema (add `.optional()` etc. before `build()`). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1)
  },
  /** The required Date schema. */
  SCHEMA: SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1).build() as Schema,
  /**
   * Days since the epoch of a UTC-midnight `Date`.
   * @throws {@link DataError} when the schema is not a Date schema or the value has a time of day
   */
  fromLogical(schema: Schema, value: Date): number {
    if (schema.name !== DATE_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Date object but the schema does not match.')
    }
    const ms = value.getTime()
    if (Number.isNaN(ms)) throw new DataError('Invalid Date value for Kafka Connect Date type.')
    if (((ms % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY !== 0) {
      throw new DataError('Kafka Connect Date type should not have any time fields set to non-zero values.')
    }
    return ms / MILLIS_PER_DAY
  },
  /**
   * The UTC-midnight `Date` of a day count.
   * @throws {@link DataError} when the schema is not a Date schema
   */
  toLogical(schema: Schema, value: number): Date {
    if (schema.name !== DATE_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Date object but the schema does not match.')
    }
    return new Date(value * MILLIS_PER_DAY)
  },
})
