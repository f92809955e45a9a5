import type { Schema } from '@sluice/api'
import { LruCache, SchemaBuilder, schemaKey } from '@sluice/api'

/** Kafka's `SchemaUtil.copySchemaBasics`: name, version, doc and parameters onto `builder`. */
export function copySchemaBasics(source: Schema, builder?: SchemaBuilder): SchemaBuilder {
  const b =
    builder ??
    (source.type === 'ARRAY' ? SchemaBuilder.array(source.valueSchema) : new SchemaBuilder(source.type))
  if (source.name !== undefined) b.name(source.name)
  if (source.version !== undefined) b.version(source.version)
  if (source.doc !== undefined) b.doc(source.doc)
  if (source.parameters !== undefined) b.parameters(source.parameters)
  return b
}

/**
 * The schema-update cache Kafka's transforms keep (`SynchronizedCache(LRUCache(16))`), keyed by schema
 * equality as Java's `HashMap` keys are, not by object identity.
 */
export class SchemaCache {
  readonly #cache = new LruCache<string, Schema>(16)

  getOrCompute(schema: Schema, compute: (schema: Schema) => Schema): Schema {
    const key = schemaKey(schema)
    let out = this.#cache.get(key)
    if (out === undefined) {
      out = compute(schema)
      this.#cache.set(key, out)
    }
    return out
  }
}
