import { DataError } from '../errors.js'
import { MILLIS_PER_DAY, TIME_LOGICAL_NAME } from './logical-names.js'
import type { Schema } from './schema.js'
import { SchemaBuilder } from './schema-builder.js'

/**
 * The Time logical type (Kafka Connect's `org.apache.kafka.connect.data.Time`): an `INT32` schema named
 * {@link TimeLogical.LOGICAL_NAME}, version 1, whose encoded value is milliseconds since midnight. The logical
 * value is a JS `Date` on 1970-01-01 (UTC).
 *
 * @example
 * ```ts
 * TimeLogical.fromLogical(TimeLogical.SCHEMA, new Date(3_600_000)) // 3600000 (01:00)
 * ```
 */
export const TimeLogical = Object.freeze({
  /** `org.apache.kafka.connect.data.Time` */
  LOGICAL_NAME: TIME_LOGICAL_NAME,
  /** A builder for a Time schema (add `.optional()` etc. before `build()`). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1)
  },
  /** The required Time schema. */
  SCHEMA: SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1).build() as Schema,
  /**
   * Milliseconds since midnight of a `Date` on the epoch day.
   * @throws {@link DataError} when the schema is not a Time schema or the value is outside the epoch day
   */
  fromLogical(schema: Schema, value: Date): number {
    if (schema.name !== TIME_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Time object but the schema does not match.')
    }
    const ms = value.getTime()
    if (!(ms >= 0 && ms <= MILLIS_PER_DAY)) {
      throw new DataError('Kafka Connect Time type should not have any date fields set to non-zero values.')
    }
    return ms
  },
  /**
   * The `Date` on 1970-01-01 for a millisecond-of-day count.
   * @throws {@link DataError} when the schema is not a Time schema or the value is outside `[0, 86400000]`
   */
  toLogical(schema: Schema, value: number): Date {
    if (schema.name !== TIME_LOGICAL_NAME) {
      throw new DataError('Requested conversion of Date object but the schema does not match.')
    }
    if (value < 0 || value > MILLIS_PER_DAY) {
      throw new DataError('Time values must use number of milliseconds greater than 0 and less than 86400000')
    }
    return new Date(value)
  },
})
