/**
 * The Connect data model (Kafka Connect's `org.apache.kafka.connect.data`): schemas, structs, logical types
 * and value validation.
 *
 * @packageDocumentation
 */

export { DateLogical } from './date-logical.js'
// Logical types.
export { Decimal } from './decimal.js'
export { bigintToTwosComplement, DecimalLogical, twosComplementToBigint } from './decimal-logical.js'
export { schemaEquals, schemaKey, valuesEqual } from './equality.js'
export { MILLIS_PER_DAY } from './logical-names.js'
export type { ConnectSchemaInit, Field, Schema, SchemaType } from './schema.js'
// Schemas.
export { ConnectSchema, isPrimitiveType, SCHEMA_TYPES, schemaToString } from './schema.js'
export type { SchemaAndValue } from './schema-and-value.js'
export { NULL_SCHEMA_AND_VALUE } from './schema-and-value.js'
export { SchemaBuilder, SchemaBuilderError } from './schema-builder.js'
export { Schemas } from './schemas.js'
// Values.
export { Struct } from './struct.js'
export { TimeLogical } from './time-logical.js'
export { TimestampLogical } from './timestamp-logical.js'
export { validateValue } from './validate-value.js'
