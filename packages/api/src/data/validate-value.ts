import { DataError } from '../errors.js'
import { Decimal } from './decimal.js'
import { schemaEquals } from './equality.js'
import {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from './logical-names.js'
import type { Schema, SchemaType } from './schema.js'
import type { Struct } from './struct.js'
import { isStruct } from './struct-brand.js'

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
}
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Checks that `value` is a valid value of `schema` (Kafka Connect's `ConnectSchema.validateValue`):
 * `null`/`undefined` only for optional schemas; the JS representation documented on {@link Schema}
 * (integral numbers within range for `INT8`/`INT16`/`INT32`/`INT64`, `bigint` also for `INT64`);
 * logical types by their value class ({@link Decimal}, JS `Date`); arrays, maps and structs recursively
 * (a struct must have an equal schema and pass {@link Struct.validate}).
 *
 * @param field names the value in error messages (`field: "id"`); `value` when omitted
 * @throws {@link DataError} such as `Invalid value: null used for required field: "id", schema type: INT32`
 *
 * @example
 * ```ts
 * validateValue(Schemas.INT8, 200)
 * // DataError: Invalid JavaScript value for schema with type INT8: number 200 out of range [-128, 127] for value
 * ```
 */
export function validateValue(schema: Schema, value: unknown, field?: string): void {
  check(schema, value, field === undefined ? 'value' : `field: "${field}"`)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  if (isStruct(value)) return 'Struct'
  const ctor = (value as { constructor?: { name?: unknown } }).constructor
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object'
}

function invalid(schema: Schema, value: unknown, location: string, detail?: string): DataError {
  const name = schema.name === undefined ? '' : ` "${schema.name}"`
  const what = detail ?? describe(value)
  return new DataError(
    `Invalid JavaScript value for schema${name} with type ${schema.type}: ${what} for ${location}`,
  )
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

function check(schema: Schema, value: unknown, location: string): void {
  if (value === null || value === undefined) {
    if (!schema.isOptional) {
      throw new DataError(`Invalid value: null used for required ${location}, schema type: ${schema.type}`)
    }
    return
  }

  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      if (!(value instanceof Decimal)) throw invalid(schema, value, location)
      return
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      if (!(value instanceof Date)) throw invalid(schema, value, location)
      if (Number.isNaN(value.getTime())) throw invalid(schema, value, location, 'Invalid Date')
      return
  }

  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      if (typeof value !== 'number') throw invalid(schema, value, location)
      const [min, max] = INT_RANGES[schema.type] ?? [0, 0]
      if (!Number.isInteger(value))
        throw invalid(schema, value, location, `number ${value} is not an integer`)
      if (value < min || value > max) {
        throw invalid(schema, value, location, `number ${value} out of range [${min}, ${max}]`)
      }
      return
    }
    case 'INT64':
      if (typeof value === 'number') {
        if (!Number.isInteger(value))
          throw invalid(schema, value, location, `number ${value} is not an integer`)
        if (value < -(2 ** 63) || value >= 2 ** 63) {
          throw invalid(schema, value, location, `number ${value} out of range [${INT64_MIN}, ${INT64_MAX}]`)
        }
        return
      }
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX) {
          throw invalid(schema, value, location, `bigint ${value} out of range [${INT64_MIN}, ${INT64_MAX}]`)
        }
        return
      }
      throw invalid(schema, value, location)
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof value !== 'number') throw invalid(schema, value, location)
      return
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw invalid(schema, value, location)
      return
    case 'STRING':
      if (typeof value !== 'string') throw invalid(schema, value, location)
      return
    case 'BYTES':
      if (!(value instanceof Uint8Array)) throw invalid(schema, value, location)
      return
    case 'ARRAY': {
      if (!Array.isArray(value)) throw invalid(schema, value, location)
      const entryLocation = `element of array ${location}`
      const elementSchema = schema.valueSchema
      for (const entry of value as readonly unknown[]) check(elementSchema, entry, entryLocation)
      return
    }
    case 'MAP': {
      if (typeof value !== 'object') throw invalid(schema, value, location)
      const keySchema = schema.keySchema
      const valueSchema = schema.valueSchema
      const keyLocation = `key of map ${location}`
      const valueLocation = `value of map ${location}`
      if (value instanceof Map) {
        for (const [k, v] of value) {
          check(keySchema, k, keyLocation)
          check(valueSchema, v, valueLocation)
        }
        return
      }
      if (!isPlainObject(value) || keySchema.type !== 'STRING') throw invalid(schema, value, location)
      for (const [k, v] of Object.entries(value)) {
        check(keySchema, k, keyLocation)
        check(valueSchema, v, valueLocation)
      }
      return
    }
    case 'STRUCT': {
      if (!isStruct(value)) throw invalid(schema, value, location)
      const struct = value as Struct
      if (!schemaEquals(struct.schema, schema)) throw new DataError('Struct schemas do not match.')
      struct.validate()
      return
    }
  }
}
