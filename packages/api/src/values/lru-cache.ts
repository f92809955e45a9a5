/**
 * A bounded least-recently-used cache (Kafka's `LRUCache`). Recency is only tracked once the cache is
 * full: with fewer distinct keys than the capacity (the usual case: a handful of schemas) a hit costs a
 * single `Map` lookup. A capacity of 0 caches nothing.
 */
export class LruCache<K, V> {
  readonly capacity: number
  readonly #map = new Map<K, V>()

  constructor(capacity: number) {
    this.capacity = capacity
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const map = this.#map
    const v = map.get(key)
    if (v !== undefined && map.size >= this.capacity) {
      map.delete(key)
      map.set(key, v)
    }
    return v
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return
    const map = this.#map
    map.delete(key)
    map.set(key, value)
    if (map.size > this.capacity) {
      const eldest = map.keys().next()
      if (eldest.done !== true) map.delete(eldest.value)
    }
  }

  clear(): void {
    this.#map.clear()
  }
}
