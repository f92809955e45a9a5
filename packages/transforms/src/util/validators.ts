/** The validators Kafka's transforms use that `@sluice/api` does not have (same messages and docs text). */
import type { Validator } from '@sluice/api'
import { ConfigError, invalidConfigValue } from '@sluice/api'
import { compileJavaRegex } from './java-regex.js'

/** Kafka's `transforms.util.NonEmptyListValidator`. */
export class NonEmptyListValidator implements Validator {
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
      throw invalidConfigValue(name, value ?? null, 'Empty list')
    }
  }
  toString(): string {
    return 'non-empty list'
  }
}

function plain(name: string, message: string): ConfigError {
  return new ConfigError(message, { [name]: [message] })
}

/**
 * Kafka 4's `ConfigDef.ValidList.anyNonDuplicateValues(false, false)`: a list of any values, not empty,
 * without null elements or duplicates. Its docs text is empty, as Java's `toString()` is.
 */
export class AnyNonDuplicateValues implements Validator {
  readonly #emptyAllowed: boolean
  /** @param emptyAllowed Kafka's `isEmptyAllowed` (ReplaceField's `exclude`/`include` allow an empty list) */
  constructor(emptyAllowed = false) {
    this.#emptyAllowed = emptyAllowed
  }
  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined)
      throw plain(name, `Configuration '${name}' values must not be null.`)
    const list = value as readonly unknown[]
    if (list.length === 0 && !this.#emptyAllowed) {
      throw plain(
        name,
        `Configuration '${name}' must not be empty. Valid values include: any non-empty value`,
      )
    }
    if (new Set(list).size !== list.length)
      throw plain(name, `Configuration '${name}' values must not be duplicated.`)
  }
  toString(): string {
    return ''
  }
}

/** Kafka's `transforms.util.RegexValidator` (the syntax error text is JavaScript's, not Java's). */
export class RegexValidator implements Validator {
  ensureValid(name: string, value: unknown): void {
    try {
      compileJavaRegex(String(value))
    } catch (err) {
      throw invalidConfigValue(name, value, `Invalid regex: ${(err as Error).message}`)
    }
  }
  toString(): string {
    return 'valid regex'
  }
}

/** The `replace.null.with.default` key as every Kafka transform that has it defines it. */
export const REPLACE_NULL_WITH_DEFAULT_KEY = {
  name: 'replace.null.with.default',
  type: 'BOOLEAN',
  defaultValue: true,
  importance: 'MEDIUM',
  documentation:
    'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
} as const
