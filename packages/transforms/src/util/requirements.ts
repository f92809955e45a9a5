/**
 * Kafka's `transforms.util.Requirements` and the schemaless-map helpers every transform shares. A
 * schemaless Connect map arrives in Sluice either as a `Map` or as a plain object (JsonConverter's
 * schemaless objects); transforms read both and write the kind they were given.
 */
import type { ConnectRecord, Schema, SinkRecord } from '@sluice/api'
import { DataError, Decimal, isPlainObject, Struct } from '@sluice/api'

/** A schemaless map as transforms work on it: string keys in insertion order. */
export type JsMap = Map<unknown, unknown>

/** True for the two JS forms of a Connect map: a `Map` or a plain object. */
export function isMapValue(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || (typeof value === 'object' && value !== null && isPlainObject(value))
}

/**
 * The Java class a value would have in Kafka Connect, for error messages that name it (Java prints
 * `getClass().getName()`). A JS number without a schema is reported as JsonConverter would decode it
 * schemaless: `Long` when integral, `Double` otherwise.
 */
export function javaClassName(value: unknown, schema?: Schema | null): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string':
      return 'java.lang.String'
    case 'boolean':
      return 'java.lang.Boolean'
    case 'bigint':
      return 'java.lang.Long'
    case 'number':
      switch (schema?.type) {
        case 'INT8':
          return 'java.lang.Byte'
        case 'INT16':
          return 'java.lang.Short'
        case 'INT32':
          return 'java.lang.Integer'
        case 'INT64':
          return 'java.lang.Long'
        case 'FLOAT32':
          return 'java.lang.Float'
        case 'FLOAT64':
          return 'java.lang.Double'
      }
      return Number.isInteger(value) ? 'java.lang.Long' : 'java.lang.Double'
  }
  if (value instanceof Struct) return 'org.apache.kafka.connect.data.Struct'
  if (value instanceof Uint8Array) return '[B'
  if (value instanceof Decimal) return 'java.math.BigDecimal'
  if (value instanceof Date) return 'java.util.Date'
  if (Array.isArray(value)) return 'java.util.ArrayList'
  if (isMapValue(value)) return 'java.util.HashMap'
  return typeof value
}

/** `class java.lang.String`: Java's `Class.toString()` as messages concatenating `getClass()` print it. */
export function javaClass(value: unknown, schema?: Schema | null): string {
  return `class ${javaClassName(value, schema)}`
}

/** Kafka's `requireSchema`. */
export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataError(`Schema required for [${purpose}]`)
  return schema
}

/** Kafka's `requireMap`: the value as a `Map` (a copy of a plain object's entries). */
export function requireMap(value: unknown, purpose: string): JsMap {
  if (!isMapValue(value)) {
    throw new DataError(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${javaClassName(value)}`,
    )
  }
  return value instanceof Map ? value : new Map(Object.entries(value))
}

/** Kafka's `requireMapOrNull`. */
export function requireMapOrNull(value: unknown, purpose: string): JsMap | null {
  return value === null || value === undefined ? null : requireMap(value, purpose)
}

/** Kafka's `requireStruct`. */
export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataError(`Only Struct objects supported for [${purpose}], found: ${javaClassName(value)}`)
  }
  return value
}

/** Kafka's `requireStructOrNull`. */
export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose)
}

/** Kafka's `requireSinkRecord`. */
export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!('kafkaOffset' in record)) {
    throw new DataError(
      `Only SinkRecord supported for [${purpose}], found: org.apache.kafka.connect.source.SourceRecord`,
    )
  }
  return record as SinkRecord
}

/**
 * A new schemaless map in the form the input had: a plain object stays a plain object (so converters
 * and later transforms see what they would have seen), a `Map` stays a `Map`.
 */
export function mapLike(template: unknown, entries: JsMap): unknown {
  if (template instanceof Map) return entries
  const out: Record<string, unknown> = {}
  for (const [k, v] of entries) out[String(k)] = v
  return out
}
