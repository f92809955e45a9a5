import { ConfigError } from '../errors.js'
import type { ConfigDef } from './config-def.js'
import { Password } from './password.js'
import type { ParsedConfig } from './types.js'

/**
 * Parsed configuration with typed getters (Kafka's `AbstractConfig`). The constructor parses `originals`
 * with the def (throwing {@link ConfigError} listing every bad key); getters read the parsed values.
 *
 * @example
 * ```ts
 * class FileSourceConfig extends AbstractConfig {
 *   constructor(props: Record<string, string>) { super(CONFIG_DEF, props) }
 *   get file(): string { return this.getString('file') ?? '' }
 * }
 * ```
 */
export class AbstractConfig {
  /** The definition the values were parsed with. */
  readonly definition: ConfigDef
  readonly #originals: Readonly<Record<string, unknown>>
  readonly #values: ParsedConfig

  /** @throws {@link ConfigError} when `originals` does not satisfy `definition` */
  constructor(definition: ConfigDef, originals: Readonly<Record<string, unknown>>) {
    this.definition = definition
    this.#originals = Object.freeze({ ...originals })
    const parsed = definition.parse(originals)
    this.#values = {}
    for (const name of definition.names()) this.#values[name] = parsed[name]
    Object.freeze(this.#values)
  }

  /**
   * The parsed value of a defined key.
   * @throws {@link ConfigError} `Unknown configuration '<key>'`
   */
  get(key: string): unknown {
    if (!Object.hasOwn(this.#values, key)) {
      throw new ConfigError(`Unknown configuration '${key}'`, { [key]: [`Unknown configuration '${key}'`] })
    }
    return this.#values[key]
  }

  /** A `STRING` value. */
  getString(key: string): string | null {
    return this.get(key) as string | null
  }
  /** An `INT` value. */
  getInt(key: string): number | null {
    return this.get(key) as number | null
  }
  /** A `SHORT` value. */
  getShort(key: string): number | null {
    return this.get(key) as number | null
  }
  /** A `LONG` value (`bigint` beyond the safe integer range). */
  getLong(key: string): number | bigint | null {
    return this.get(key) as number | bigint | null
  }
  /** A `DOUBLE` value. */
  getDouble(key: string): number | null {
    return this.get(key) as number | null
  }
  /** A `BOOLEAN` value. */
  getBoolean(key: string): boolean | null {
    return this.get(key) as boolean | null
  }
  /** A `LIST` value. */
  getList(key: string): string[] | null {
    return this.get(key) as string[] | null
  }
  /** A `PASSWORD` value. */
  getPassword(key: string): Password | null {
    const v = this.get(key)
    return v instanceof Password || v === null ? v : new Password(String(v))
  }
  /** A `CLASS` value: the class name (or the constructor, when one was given). */
  getClass(key: string): string | ((...args: never[]) => unknown) | null {
    return this.get(key) as string | ((...args: never[]) => unknown) | null
  }

  /** The parsed values of all defined keys. */
  values(): Readonly<ParsedConfig> {
    return this.#values
  }

  /** The original properties, including keys the def does not know. */
  originals(): Readonly<Record<string, unknown>> {
    return this.#originals
  }

  /** The originals whose values are strings (Kafka's `originalsStrings`, lenient: other values are skipped). */
  originalsStrings(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(this.#originals)) if (typeof v === 'string') out[k] = v
    return out
  }

  /**
   * The originals whose key starts with `prefix` (Kafka's `originalsWithPrefix`), with the prefix removed
   * unless `strip` is false. E.g. `originalsWithPrefix('key.converter.')` for the converter's configs.
   */
  originalsWithPrefix(prefix: string, strip = true): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(this.#originals)) {
      if (k.startsWith(prefix) && k.length > prefix.length) out[strip ? k.slice(prefix.length) : k] = v
    }
    return out
  }
}
