/**
 * How Java prints the collections that appear in Kafka Connect's messages. Kafka Connect builds some
 * messages with `Map.toString()` of a `HashMap` (e.g. "Connector config {…} contains no connector type"),
 * so reproducing the message means reproducing the map's iteration order.
 */

/** Java's `String.hashCode()` over UTF-16 code units, with 32-bit wrap-around. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/**
 * The iteration order of a Java `HashMap`/`HashSet` holding `keys` (inserted in this order): by bucket of
 * the spread hash (`h ^ h >>> 16`), then insertion order inside a bucket. Duplicates keep their first
 * position. The table size depends on how the map was built:
 * - `grown` (`new HashMap<>()` then `put`s): 16 buckets, doubled while more than 3/4 full;
 * - `copied` (`new HashMap<>(otherMap)`): the smallest power of two holding `n / 0.75` entries.
 */
export function javaHashOrder(keys: Iterable<string>, mode: 'grown' | 'copied' = 'grown'): string[] {
  const unique = [...new Set(keys)]
  let capacity = 16
  if (mode === 'copied') {
    capacity = 1
    while (capacity < Math.ceil(unique.length / 0.75)) capacity *= 2
  }
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

/**
 * Java's `AbstractMap.toString()` of `new HashMap<>(map)`: `{k1=v1, k2=v2}` in hash order (Kafka copies the
 * request's map when it resolves config providers).
 */
export function javaHashMapToString(map: Readonly<Record<string, unknown>>): string {
  const parts = javaHashOrder(Object.keys(map), 'copied').map((k) => `${k}=${javaValueString(map[k])}`)
  return `{${parts.join(', ')}}`
}

/** Java's `AbstractCollection.toString()`: `[a, b]`. */
export function javaListToString(items: readonly unknown[]): string {
  return `[${items.map(javaValueString).join(', ')}]`
}

function javaValueString(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return javaListToString(v)
  return String(v)
}

/** Java's `String.compareTo`: by UTF-16 code units (what `TreeSet<String>` and `PluginDesc` sort by). */
export function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Kafka's `ConnectUtils.patchConfig`: `new HashMap<>(config)`, then each patch entry put (or removed when
 * `null`). The result keeps the iteration order of that `HashMap`, which is what Kafka Connect stores and
 * later returns for the connector's config.
 */
export function javaPatchedConfig(
  config: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const values = new Map(Object.entries(config))
  let capacity = 1
  while (capacity < Math.ceil(values.size / 0.75)) capacity *= 2
  if (values.size === 0) capacity = 16
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      values.delete(k)
    } else if (values.has(k)) {
      values.set(k, v)
    } else {
      values.set(k, v)
      // HashMap.putVal resizes once the size exceeds 3/4 of the table.
      if (values.size > capacity * 0.75) capacity *= 2
    }
  }
  const bucket = (k: string): number => {
    const h = javaStringHash(k)
    return (h ^ (h >>> 16)) & (capacity - 1)
  }
  const keys = [...values.keys()]
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
  const out: Record<string, string> = {}
  for (const { k } of keys) out[k] = values.get(k) as string
  return out
}
