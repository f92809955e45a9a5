import { ConfigError } from '../errors.js'
import { Password } from './password.js'

/**
 * Renders a config value the way Java's `String.valueOf` would in Kafka's messages: `null`, lists as
 * `[a, b]`, passwords as `[hidden]`, class constructors by name.
 */
export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof Password) return Password.HIDDEN
  if (Array.isArray(value)) return `[${value.map(formatConfigValue).join(', ')}]`
  if (typeof value === 'function') return (value as { name?: string }).name ?? 'anonymous'
  return String(value)
}

/**
 * The message of Kafka's `ConfigException(name, value, message)`:
 * `Invalid value <value> for configuration <name>[: <message>]`.
 */
export function invalidValueMessage(name: string, value: unknown, message?: string): string {
  return `Invalid value ${formatConfigValue(value)} for configuration ${name}${message === undefined ? '' : `: ${message}`}`
}

/**
 * A {@link ConfigError} for one bad key, with Kafka's message (see {@link invalidValueMessage}) and
 * `errors = { [name]: [message] }`. Validators throw it.
 *
 * @example
 * ```ts
 * throw invalidConfigValue('batch.size', 'abc', 'Not a number of type INT')
 * // ConfigError: Invalid value abc for configuration batch.size: Not a number of type INT
 * ```
 */
export function invalidConfigValue(name: string, value: unknown, message?: string): ConfigError {
  const text = invalidValueMessage(name, value, message)
  return new ConfigError(text, { [name]: [text] })
}
