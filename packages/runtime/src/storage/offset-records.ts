import type { SourceOffset, SourcePartition } from '@sluice/api'
import { javaHashOrder } from '../herder/java-format.js'

/**
 * Keys and values of the Connect offsets topic (Kafka's `OffsetStorageWriter` through a schemaless
 * JsonConverter): key `["<connector>",{partition}]`, value the offset map, tombstone = null. The key's
 * bytes decide both the partition (murmur2) and log compaction, so map fields are written in the order
 * a Java `HashMap` iterates them: the same partition written by Java and by Sluice is one key.
 */

/** Orders an object's keys as a Java `HashMap` filled by `put` iterates them, recursively. */
function javaOrdered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(javaOrdered)
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const k of javaHashOrder(Object.keys(o))) out[k] = javaOrdered(o[k])
    return out
  }
  return value
}

export function encodeOffsetKey(connector: string, partition: SourcePartition): Buffer {
  return Buffer.from(JSON.stringify([connector, javaOrdered(partition)]), 'utf8')
}

export function encodeOffsetValue(offset: SourceOffset | null): Buffer | null {
  return offset === null ? null : Buffer.from(JSON.stringify(javaOrdered(offset)), 'utf8')
}

/** A decoded offsets-topic key, or the reason it is not one (Java logs and skips such records). */
export function parseOffsetKey(
  key: Buffer,
): { connector: string; partition: SourcePartition } | { error: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(key.toString('utf8'))
  } catch (err) {
    return { error: `key is not JSON: ${(err as Error).message}` }
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return { error: 'key is not a two-element array' }
  const [connector, partition] = parsed as [unknown, unknown]
  if (typeof connector !== 'string') return { error: 'key[0] (connector name) is not a string' }
  if (partition === null || typeof partition !== 'object' || Array.isArray(partition))
    return { error: 'key[1] (source partition) is not an object' }
  return { connector, partition: partition as SourcePartition }
}

export function parseOffsetValue(value: Buffer | null): SourceOffset | null | { error: string } {
  if (value === null) return null
  try {
    const v = JSON.parse(value.toString('utf8')) as unknown
    if (v === null) return null
    if (typeof v !== 'object' || Array.isArray(v)) return { error: 'offset is not a JSON object' }
    return v as SourceOffset
  } catch (err) {
    return { error: `offset is not JSON: ${(err as Error).message}` }
  }
}

/**
 * Canonical form of a partition for lookups: Java writes partition maps in HashMap order, Sluice may get
 * them in another, so two equal partitions must compare equal whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}
