/**
 * Java's default key partitioner (`Utils.murmur2` + `toPositive`), so records Sluice writes to the
 * offsets and status topics land on the partitions a Java worker would choose. librdkafka's default
 * (`consistent_random`) differs; its `murmur2_random` is the same function, this one lets the stores
 * name the partition themselves and lets tests check it without a broker.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's 32-bit murmur2 of `data` (signed, as Java's `int`). */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const o = i * 4
    let k =
      (data[o] ?? 0) | ((data[o + 1] ?? 0) << 8) | ((data[o + 2] ?? 0) << 16) | ((data[o + 3] ?? 0) << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  // The 1–3 trailing bytes mix in from the highest (Java's switch falls through 3 → 2 → 1).
  const tail = length4 * 4
  const rest = length & 3
  if (rest >= 3) h ^= (data[tail + 2] ?? 0) << 16
  if (rest >= 2) h ^= (data[tail + 1] ?? 0) << 8
  if (rest >= 1) {
    h ^= data[tail] ?? 0
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition Java's `BuiltInPartitioner.partitionForKey` picks for a non-null key. */
export function javaPartitionForKey(key: Uint8Array | string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions <= 0)
    throw new RangeError(`partitions must be > 0, got ${partitions}`)
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
  return (murmur2(bytes) & 0x7fffffff) % partitions
}
