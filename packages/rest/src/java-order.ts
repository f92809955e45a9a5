/**
 * Java's `HashMap`/`HashSet` iteration order for string keys. Kafka Connect returns connector names (and the
 * `expand` map) straight out of hash maps, so clients see this order; reproducing it keeps Sluice's answers
 * byte-for-byte comparable with Kafka Connect's.
 */

/** Java's `String.hashCode()` (over UTF-16 code units, 32-bit wrap-around). */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/**
 * The order a Java `HashMap` built by inserting `keys` in order iterates them: by bucket of the spread hash
 * (`h ^ h >>> 16`) in the final table (16 buckets, doubled whenever more than 3/4 full), insertion order
 * within a bucket. Duplicates keep their first position.
 *
 * @example
 * ```ts
 * javaHashOrder(['src', 'snk']) // ['snk', 'src'], as Kafka Connect lists them
 * ```
 */
export function javaHashOrder(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)]
  let capacity = 16
  while (unique.length > capacity * 0.75) capacity *= 2
  const bucket = (k: string): number => {
    const h = javaStringHash(k)
    return (h ^ (h >>> 16)) & (capacity - 1)
  }
  return unique
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((e) => e.k)
}
