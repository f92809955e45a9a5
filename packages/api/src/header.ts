import type { Schema } from './data/index.js'

/** One record header: a key with a Connect value and its (optional) schema. */
export interface Header {
  readonly key: string
  readonly schema: Schema | null
  readonly value: unknown
}

/**
 * Ordered, multi-valued record headers (Kafka Connect's `ConnectHeaders`). Several headers may share a
 * key; order is kept as added. Mutating methods return `this` so calls chain.
 *
 * The backing array is allocated on first add: most records carry no headers and the hot path
 * should not pay for an empty list per record.
 */
export class Headers implements Iterable<Header> {
  #items: Header[] | undefined

  constructor(items?: Iterable<Header>) {
    if (items !== undefined) this.#items = [...items]
  }

  /** Number of headers. */
  get size(): number {
    return this.#items?.length ?? 0
  }

  /** Appends a header. */
  add(key: string, value: unknown, schema: Schema | null = null): this {
    this.#items ??= []
    this.#items.push({ key, schema, value })
    return this
  }

  /** Appends a string header (schema `STRING`-less; converters treat it as a string). */
  addString(key: string, value: string | null): this {
    return this.add(key, value, null)
  }

  /** The last header with this key, or undefined. */
  lastWithName(key: string): Header | undefined {
    const items = this.#items
    if (items === undefined) return undefined
    for (let i = items.length - 1; i >= 0; i--) if (items[i]!.key === key) return items[i]
    return undefined
  }

  /** Every header with this key, in order. */
  allWithName(key: string): Header[] {
    return this.#items?.filter((h) => h.key === key) ?? []
  }

  /** Removes every header with this key. */
  remove(key: string): this {
    if (this.#items !== undefined) this.#items = this.#items.filter((h) => h.key !== key)
    return this
  }

  /** Keeps only the last header of each key. */
  retainLatest(): this {
    if (this.#items === undefined) return this
    const seen = new Set<string>()
    const kept: Header[] = []
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const h = this.#items[i]!
      if (!seen.has(h.key)) {
        seen.add(h.key)
        kept.push(h)
      }
    }
    this.#items = kept.reverse()
    return this
  }

  clear(): this {
    this.#items = undefined
    return this
  }

  /** A shallow copy (header values are shared). */
  duplicate(): Headers {
    return new Headers(this.#items)
  }

  [Symbol.iterator](): Iterator<Header> {
    return (this.#items ?? [])[Symbol.iterator]()
  }
}
