import { ConnectSchema, type Schema, type SchemaType } from './schema.js'

function primitive(type: SchemaType, optional: boolean): Schema {
  return new ConnectSchema({ type, optional })
}

/**
 * Ready-made primitive schemas (Kafka Connect's `Schema.INT8_SCHEMA`, `Schema.OPTIONAL_INT8_SCHEMA`, …):
 * unnamed, without default, required or optional.
 *
 * @example
 * ```ts
 * sourceRecord({ topic: 'lines', valueSchema: Schemas.STRING, value: 'hello', … })
 * SchemaBuilder.struct().field('id', Schemas.INT64).field('note', Schemas.OPTIONAL_STRING).build()
 * ```
 */
export const Schemas = Object.freeze({
  INT8: primitive('INT8', false),
  INT16: primitive('INT16', false),
  INT32: primitive('INT32', false),
  INT64: primitive('INT64', false),
  FLOAT32: primitive('FLOAT32', false),
  FLOAT64: primitive('FLOAT64', false),
  BOOLEAN: primitive('BOOLEAN', false),
  STRING: primitive('STRING', false),
  BYTES: primitive('BYTES', false),
  OPTIONAL_INT8: primitive('INT8', true),
  OPTIONAL_INT16: primitive('INT16', true),
  OPTIONAL_INT32: primitive('INT32', true),
  OPTIONAL_INT64: primitive('INT64', true),
  OPTIONAL_FLOAT32: primitive('FLOAT32', true),
  OPTIONAL_FLOAT64: primitive('FLOAT64', true),
  OPTIONAL_BOOLEAN: primitive('BOOLEAN', true),
  OPTIONAL_STRING: primitive('STRING', true),
  OPTIONAL_BYTES: primitive('BYTES', true),
})
