import { ConfigError } from '../errors.js'
import { invalidConfigValue } from './config-exception.js'

/**
 * Checks one config value (Kafka's `ConfigDef.Validator`). `ensureValid` throws a {@link ConfigError} (use
 * {@link invalidConfigValue}); `toString` describes the valid values in generated docs ("Valid Values").
 */
export interface Validator {
  /**
   * @param name the config key (validators of embedded defs see the unprefixed key)
   * @param value the parsed value (`null` when unset with a null default)
   * @throws {@link ConfigError} when the value is invalid
   */
  ensureValid(name: string, value: unknown): void
  /** The valid values, for docs, e.g. `[1,...]` or `[none, all]`. */
  toString(): string
}

function formatNumber(n: number | bigint): string {
  return String(n)
}

/**
 * A numeric range (Kafka's `ConfigDef.Range`): `Range.atLeast(1)` → `[1,...]`, `Range.between(0, 10)` →
 * `[0,...,10]`. `null` values are rejected with `Value must be non-null`.
 *
 * @example
 * ```ts
 * new ConfigDef().define({ name: 'tasks.max', type: 'INT', defaultValue: 1, validator: Range.atLeast(1),
 *   importance: 'HIGH', documentation: 'Maximum number of tasks.' })
 * ```
 */
export class Range implements Validator {
  readonly min: number | bigint | undefined
  readonly max: number | bigint | undefined

  private constructor(min: number | bigint | undefined, max: number | bigint | undefined) {
    this.min = min
    this.max = max
  }

  /** A range with only a lower bound. */
  static atLeast(min: number | bigint): Range {
    return new Range(min, undefined)
  }

  /** A range with both bounds, inclusive. */
  static between(min: number | bigint, max: number | bigint): Range {
    return new Range(min, max)
  }

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) throw invalidConfigValue(name, null, 'Value must be non-null')
    if (typeof value !== 'number' && typeof value !== 'bigint') {
      throw invalidConfigValue(name, value, 'Value must be a number')
    }
    if (this.min !== undefined && value < this.min) {
      throw invalidConfigValue(name, value, `Value must be at least ${formatNumber(this.min)}`)
    }
    if (this.max !== undefined && value > this.max) {
      throw invalidConfigValue(name, value, `Value must be no more than ${formatNumber(this.max)}`)
    }
  }

  toString(): string {
    if (this.min === undefined && this.max === undefined) return '[...]'
    if (this.min === undefined) return `[...,${formatNumber(this.max ?? 0)}]`
    if (this.max === undefined) return `[${formatNumber(this.min)},...]`
    return `[${formatNumber(this.min)},...,${formatNumber(this.max)}]`
  }
}

/**
 * One of a fixed set of strings, case-sensitive (Kafka's `ConfigDef.ValidString`).
 *
 * @example
 * ```ts
 * ValidString.in('none', 'all').ensureValid('errors.tolerance', 'some')
 * // ConfigError: Invalid value some for configuration errors.tolerance: String must be one of: none, all
 * ```
 */
export class ValidString implements Validator {
  readonly validStrings: readonly string[]

  private constructor(validStrings: readonly string[]) {
    this.validStrings = Object.freeze([...validStrings])
  }

  /** The validator accepting exactly these strings. */
  static in(...validStrings: string[]): ValidString {
    return new ValidString(validStrings)
  }

  ensureValid(name: string, value: unknown): void {
    if (typeof value !== 'string' || !this.validStrings.includes(value)) {
      throw invalidConfigValue(name, value, `String must be one of: ${this.validStrings.join(', ')}`)
    }
  }

  toString(): string {
    return `[${this.validStrings.join(', ')}]`
  }
}

/** One of a fixed set of strings, ignoring case (Kafka's `ConfigDef.CaseInsensitiveValidString`). */
export class CaseInsensitiveValidString implements Validator {
  readonly validStrings: readonly string[]

  private constructor(validStrings: readonly string[]) {
    this.validStrings = Object.freeze([...new Set(validStrings.map((s) => s.toUpperCase()))])
  }

  /** The validator accepting these strings in any case. */
  static in(...validStrings: string[]): CaseInsensitiveValidString {
    return new CaseInsensitiveValidString(validStrings)
  }

  ensureValid(name: string, value: unknown): void {
    if (typeof value !== 'string' || !this.validStrings.includes(value.toUpperCase())) {
      throw invalidConfigValue(
        name,
        value,
        `String must be one of (case insensitive): ${this.validStrings.join(', ')}`,
      )
    }
  }

  toString(): string {
    return `(case insensitive) [${this.validStrings.join(', ')}]`
  }
}

/** Every element of a `LIST` value is one of a fixed set of strings (Kafka's `ConfigDef.ValidList`). */
export class ValidList implements Validator {
  readonly validString: ValidString

  private constructor(validStrings: readonly string[]) {
    this.validString = ValidString.in(...validStrings)
  }

  /** The validator accepting lists of these strings. */
  static in(...validStrings: string[]): ValidList {
    return new ValidList(validStrings)
  }

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) return
    if (!Array.isArray(value)) throw invalidConfigValue(name, value, 'Expected a comma separated list.')
    for (const item of value) this.validString.ensureValid(name, item)
  }

  toString(): string {
    return this.validString.toString()
  }
}

/** Rejects `null` (Kafka's `ConfigDef.NonNullValidator`): `Invalid value null for configuration x: entry must be non null`. */
export class NonNullValidator implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined)
      throw invalidConfigValue(name, 'null', 'entry must be non null')
  }

  toString(): string {
    return 'non-null string'
  }
}

/** Rejects the empty string; `null` passes (Kafka's `ConfigDef.NonEmptyString`). */
export class NonEmptyString implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === '') throw invalidConfigValue(name, value, 'String must be non-empty')
  }

  toString(): string {
    return 'non-empty string'
  }
}

/**
 * Rejects the empty string and ISO control characters; `null` passes (Kafka's
 * `ConfigDef.NonEmptyStringWithoutControlChars`, used for the connector `name`).
 */
export class NonEmptyStringWithoutControlChars implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) return
    const s = String(value)
    if (s === '') throw invalidConfigValue(name, value, 'String may not be empty')
    const illegal: number[] = []
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) illegal.push(c)
    }
    if (illegal.length > 0) {
      throw invalidConfigValue(
        name,
        value,
        `String may not contain control sequences but had the following ASCII chars: ${illegal.join(', ')}`,
      )
    }
  }

  toString(): string {
    return 'non-empty string without ISO control characters'
  }
}

/** A `LIST` with at most `maxSize` elements (Kafka's `ConfigDef.ListSize`). */
export class ListSize implements Validator {
  readonly maxSize: number

  private constructor(maxSize: number) {
    this.maxSize = maxSize
  }

  /** The validator accepting lists of at most `maxSize` elements. */
  static atMostOfSize(maxSize: number): ListSize {
    return new ListSize(maxSize)
  }

  ensureValid(name: string, value: unknown): void {
    if (Array.isArray(value) && value.length > this.maxSize) {
      throw invalidConfigValue(name, value, `exceeds maximum list size of [${this.maxSize}].`)
    }
  }

  toString(): string {
    return `List containing maximum of ${this.maxSize} elements`
  }
}

/** All validators in order; the first failure wins (Kafka's `ConfigDef.CompositeValidator`). */
export class CompositeValidator implements Validator {
  readonly validators: readonly Validator[]

  private constructor(validators: readonly Validator[]) {
    this.validators = Object.freeze([...validators])
  }

  /** Combines validators; `toString` joins theirs with `, `. */
  static of(...validators: Validator[]): CompositeValidator {
    return new CompositeValidator(validators)
  }

  ensureValid(name: string, value: unknown): void {
    for (const v of this.validators) v.ensureValid(name, value)
  }

  toString(): string {
    return this.validators.map((v) => v.toString()).join(', ')
  }
}

/**
 * A validator from two functions (Kafka's `ConfigDef.LambdaValidator`).
 *
 * @example
 * ```ts
 * const even = LambdaValidator.with((name, value) => {
 *   if (typeof value === 'number' && value % 2 !== 0) throw invalidConfigValue(name, value, 'Must be even')
 * }, () => 'even numbers')
 * ```
 */
export class LambdaValidator implements Validator {
  readonly #ensureValid: (name: string, value: unknown) => void
  readonly #describe: () => string

  private constructor(ensureValid: (name: string, value: unknown) => void, describe: () => string) {
    this.#ensureValid = ensureValid
    this.#describe = describe
  }

  /**
   * @param ensureValid throws a {@link ConfigError} for invalid values (any other error is wrapped in one)
   * @param describe the docs description of the valid values
   */
  static with(
    ensureValid: (name: string, value: unknown) => void,
    describe: () => string = () => '',
  ): LambdaValidator {
    return new LambdaValidator(ensureValid, describe)
  }

  ensureValid(name: string, value: unknown): void {
    try {
      this.#ensureValid(name, value)
    } catch (err) {
      if (err instanceof ConfigError) throw err
      throw invalidConfigValue(name, value, err instanceof Error ? err.message : String(err))
    }
  }

  toString(): string {
    return this.#describe()
  }
}
