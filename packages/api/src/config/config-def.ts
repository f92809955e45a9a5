import { ConfigError } from '../errors.js'
import { formatConfigValue, invalidConfigValue } from './config-exception.js'
import { ConfigValue } from './config-value.js'
import { Password } from './password.js'
import {
  CONFIG_TYPES,
  type ConfigType,
  type Importance,
  NO_DEFAULT_VALUE,
  type NoDefaultValue,
  type ParsedConfig,
  type Width,
} from './types.js'
import { LambdaValidator, type Validator } from './validators.js'

/**
 * Supplies valid values and visibility of a key from the other parsed values (Kafka's
 * `ConfigDef.Recommender`); used by {@link ConfigDef.validate} for the keys it is attached to.
 */
export interface Recommender {
  /** Valid values of `name` given `parsedConfig` (values of the key's type). */
  validValues(name: string, parsedConfig: Readonly<ParsedConfig>): unknown[]
  /** Whether `name` should be shown given `parsedConfig`. */
  visible(name: string, parsedConfig: Readonly<ParsedConfig>): boolean
}

/**
 * The declaration of one config key, passed to {@link ConfigDef.define}. Only `name`, `type`, `importance`
 * and `documentation` are required.
 */
export interface ConfigKeyDefinition {
  /** The key, in Kafka's dotted lower-case style (`batch.size`). */
  readonly name: string
  readonly type: ConfigType
  /**
   * The default, parsed like a supplied value (`'100'` becomes `100` for an `INT`). Omit it, or pass
   * `undefined` or {@link NO_DEFAULT_VALUE}, to make the key required; pass `null` for "optional, no value".
   */
  readonly defaultValue?: unknown
  readonly importance: Importance
  readonly documentation: string
  /** Checks the parsed value; the default is checked at definition time. */
  readonly validator?: Validator | undefined
  /** UI group, e.g. `Common`; groups keep their first-definition order. */
  readonly group?: string | undefined
  /** Position within the group; -1 when not given. */
  readonly orderInGroup?: number | undefined
  /** UI width hint; `NONE` when not given. */
  readonly width?: Width | undefined
  /** UI name; the key name when not given. */
  readonly displayName?: string | undefined
  /** Keys whose recommendations depend on this key's value. */
  readonly dependents?: readonly string[] | undefined
  readonly recommender?: Recommender | undefined
  /** Internal keys are parsed and validated but left out of generated docs. */
  readonly internal?: boolean | undefined
}

/** A defined key with every attribute resolved (Kafka's `ConfigDef.ConfigKey`). */
export interface ConfigKey {
  readonly name: string
  readonly type: ConfigType
  /** The parsed default, or {@link NO_DEFAULT_VALUE} for a required key. */
  readonly defaultValue: unknown
  /** False for required keys. */
  readonly hasDefault: boolean
  readonly validator: Validator | undefined
  readonly importance: Importance
  readonly documentation: string
  readonly group: string | undefined
  readonly orderInGroup: number
  readonly width: Width
  readonly displayName: string
  readonly dependents: readonly string[]
  readonly recommender: Recommender | undefined
  readonly internal: boolean
}

/** What {@link ConfigDef.merge} does with a key defined in both defs. */
export type DuplicateKeyPolicy = 'error' | 'keep' | 'replace'

const IMPORTANCE_ORDER: Readonly<Record<Importance, number>> = { HIGH: 0, MEDIUM: 1, LOW: 2 }
const INT_RE = /^[+-]?\d+$/
const DOUBLE_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'Array'
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor
    return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object'
  }
  return typeof value
}

function notANumber(name: string, value: unknown, type: ConfigType): ConfigError {
  return invalidConfigValue(name, value, `Not a number of type ${type}`)
}

function parseInteger(
  name: string,
  value: unknown,
  type: ConfigType,
  min: bigint,
  max: bigint,
  expected: string,
): number | bigint {
  let big: bigint
  if (typeof value === 'string') {
    const trimmed = value.trim()
    if (!INT_RE.test(trimmed)) throw notANumber(name, value, type)
    big = BigInt(trimmed)
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw notANumber(name, value, type)
    big = BigInt(value)
  } else if (typeof value === 'bigint') {
    big = value
  } else {
    throw invalidConfigValue(
      name,
      value,
      `Expected value to be ${expected}, but it was a ${describeType(value)}`,
    )
  }
  if (big < min || big > max) throw notANumber(name, value, type)
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
}

/**
 * Parses one value to `type` like Kafka's `ConfigDef.parseType`: strings are trimmed; `BOOLEAN` accepts
 * `true`/`false` in any case; `INT`/`SHORT`/`LONG` accept integral numbers or integer strings within the
 * Java range (`LONG` beyond ±2^53 as `bigint`); `DOUBLE` accepts Java's decimal syntax (`1e3`, `NaN`, `2.5d`);
 * `LIST` splits on commas with surrounding whitespace (`''` → `[]`); `PASSWORD` wraps in {@link Password};
 * `CLASS` keeps the class name (or a constructor). `null` stays `null`.
 *
 * @throws {@link ConfigError} with Kafka's message, e.g.
 *   `Invalid value abc for configuration batch.size: Not a number of type INT`
 */
export function parseConfigValue(name: string, value: unknown, type: ConfigType): unknown {
  if (value === null || value === undefined) return null
  const trimmed = typeof value === 'string' ? value.trim() : undefined
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value
      if (trimmed !== undefined) {
        if (trimmed.toLowerCase() === 'true') return true
        if (trimmed.toLowerCase() === 'false') return false
      }
      throw invalidConfigValue(name, value, 'Expected value to be either true or false')
    case 'PASSWORD':
      if (value instanceof Password) return value
      if (trimmed !== undefined) return new Password(trimmed)
      throw invalidConfigValue(
        name,
        value,
        `Expected value to be a string, but it was a ${describeType(value)}`,
      )
    case 'STRING':
      if (trimmed !== undefined) return trimmed
      throw invalidConfigValue(
        name,
        value,
        `Expected value to be a string, but it was a ${describeType(value)}`,
      )
    case 'INT':
      return parseInteger(name, value, type, -(2n ** 31n), 2n ** 31n - 1n, 'a 32-bit integer')
    case 'SHORT':
      return parseInteger(name, value, type, -(2n ** 15n), 2n ** 15n - 1n, 'a 16-bit integer (short)')
    case 'LONG':
      return parseInteger(name, value, type, INT64_MIN, INT64_MAX, 'a 64-bit integer (long)')
    case 'DOUBLE':
      if (typeof value === 'number') return value
      if (typeof value === 'bigint') return Number(value)
      if (trimmed !== undefined) {
        if (!DOUBLE_RE.test(trimmed)) throw notANumber(name, value, type)
        return Number(trimmed.replace(/[fFdD]$/, ''))
      }
      throw invalidConfigValue(
        name,
        value,
        `Expected value to be a double, but it was a ${describeType(value)}`,
      )
    case 'LIST':
      if (Array.isArray(value)) return value
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
      throw invalidConfigValue(name, value, 'Expected a comma separated list.')
    case 'CLASS':
      if (typeof value === 'function') return value
      if (trimmed !== undefined) return trimmed
      throw invalidConfigValue(name, value, 'Expected a Class instance or class name.')
  }
}

/** Java's `Double.toString`: `1.0`, `0.5`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
function javaDoubleToString(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(v)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v)
    return s.includes('.') ? s : `${s}.0`
  }
  const [mantissa = '', exponent = ''] = v.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}

/**
 * The string form of a parsed value (Kafka's `ConfigDef.convertToString`): `null` stays `null`; lists are
 * comma-joined without spaces; passwords are `[hidden]`; classes by name; doubles as Java prints them
 * (`1.0`). Used for REST `default_value`/`value` and docs.
 */
export function convertToString(parsedValue: unknown, type: ConfigType | undefined): string | null {
  if (parsedValue === null || parsedValue === undefined) return null
  if (Array.isArray(parsedValue) && (type === 'LIST' || type === undefined)) {
    return parsedValue.map((v) => formatConfigValue(v)).join(',')
  }
  if (typeof parsedValue === 'function') return formatConfigValue(parsedValue)
  if (type === 'DOUBLE' && typeof parsedValue === 'number') return javaDoubleToString(parsedValue)
  return formatConfigValue(parsedValue)
}

/**
 * A set of config keys declared as data (Kafka's `ConfigDef`): parsing with Kafka's type rules and messages,
 * REST-style validation with recommenders and dependents, embedding of prefixed child defs, and docs.
 * Keys keep their definition order.
 *
 * @example
 * ```ts
 * const def = new ConfigDef()
 *   .define({ name: 'file', type: 'STRING', importance: 'HIGH', documentation: 'Source filename.' })
 *   .define({ name: 'batch.size', type: 'INT', defaultValue: 2000, validator: Range.atLeast(1),
 *     importance: 'LOW', documentation: 'Max records per poll.' })
 * def.parse({ file: '/tmp/in.txt', 'batch.size': '500' }) // { file: '/tmp/in.txt', 'batch.size': 500 }
 * def.parse({ 'batch.size': 'abc' })
 * // ConfigError: Configuration is invalid and contains the following 2 error(s):
 * // Missing required configuration "file" which has no default value.
 * // Invalid value abc for configuration batch.size: Not a number of type INT
 * ```
 */
export class ConfigDef {
  readonly #keys: Map<string, ConfigKey>
  readonly #groups: string[]

  /** An empty def, or a copy of `base` (Kafka's `new ConfigDef(base)`). */
  constructor(base?: ConfigDef) {
    this.#keys = base === undefined ? new Map() : new Map(base.#keys)
    this.#groups = base === undefined ? [] : [...base.#groups]
  }

  /**
   * Defines a key (chainable). The default is parsed and validated now.
   * @throws {@link ConfigError} `Configuration <name> is defined twice.`, or for an invalid default
   */
  define(definition: ConfigKeyDefinition): this {
    return this.defineKey(toConfigKey(definition))
  }

  /**
   * Adds an already-resolved key (e.g. from another def's {@link ConfigDef.configKeys}).
   * @throws {@link ConfigError} `Configuration <name> is defined twice.`
   */
  defineKey(key: ConfigKey): this {
    if (this.#keys.has(key.name)) {
      throw new ConfigError(`Configuration ${key.name} is defined twice.`, {
        [key.name]: [`Configuration ${key.name} is defined twice.`],
      })
    }
    this.#addGroup(key.group)
    this.#keys.set(key.name, key)
    return this
  }

  /**
   * Adds every key of `other` to this def (chainable), for combining e.g. the connector base config with a
   * connector's own keys.
   * @param onDuplicate `error` (default) throws like {@link ConfigDef.define}; `keep` keeps this def's key;
   *   `replace` takes `other`'s
   */
  merge(other: ConfigDef, onDuplicate: DuplicateKeyPolicy = 'error'): this {
    for (const key of other.#keys.values()) {
      if (this.#keys.has(key.name)) {
        if (onDuplicate === 'keep') continue
        if (onDuplicate === 'replace') {
          this.#addGroup(key.group)
          this.#keys.set(key.name, key)
          continue
        }
      }
      this.defineKey(key)
    }
    for (const g of other.#groups) this.#addGroup(g)
    return this
  }

  /** A new def holding the keys of all `defs` (duplicates rejected). */
  static merge(...defs: ConfigDef[]): ConfigDef {
    const out = new ConfigDef()
    for (const d of defs) out.merge(d)
    return out
  }

  /**
   * Embeds `child` under `keyPrefix` (Kafka's `ConfigDef.embed`), as the worker does for
   * `transforms.<alias>.` and `predicates.<alias>.`: every child key (in {@link ConfigDef.sortedConfigs}
   * order) is defined as `keyPrefix + name`, in group `groupPrefix` (or `groupPrefix: <child group>`), with
   * orders from `startingOrd`. Validators and recommenders see unprefixed names; dependents are prefixed.
   *
   * @example
   * ```ts
   * def.embed('transforms.mask.', 'Transforms: mask', 0, maskField.config())
   * ```
   */
  embed(keyPrefix: string, groupPrefix: string, startingOrd: number, child: ConfigDef): this {
    let order = startingOrd
    for (const key of child.sortedConfigs()) {
      const base = key.validator
      const rec = key.recommender
      this.defineKey(
        Object.freeze({
          ...key,
          name: keyPrefix + key.name,
          validator:
            base === undefined
              ? undefined
              : LambdaValidator.with(
                  (name, value) => base.ensureValid(name.slice(keyPrefix.length), value),
                  () => base.toString(),
                ),
          group: groupPrefix + (key.group === undefined ? '' : `: ${key.group}`),
          orderInGroup: order++,
          dependents: Object.freeze(key.dependents.map((d) => keyPrefix + d)),
          recommender: rec === undefined ? undefined : embeddedRecommender(keyPrefix, rec),
        }),
      )
    }
    return this
  }

  /** The keys, in definition order. */
  configKeys(): ReadonlyMap<string, ConfigKey> {
    return this.#keys
  }

  /** One key, or `undefined`. */
  configKey(name: string): ConfigKey | undefined {
    return this.#keys.get(name)
  }

  /** The key names, in definition order. */
  names(): string[] {
    return [...this.#keys.keys()]
  }

  /** The groups, in first-definition order. */
  groups(): string[] {
    return [...this.#groups]
  }

  /** The defaults of all keys that have one. */
  defaultValues(): ParsedConfig {
    const out: ParsedConfig = {}
    for (const k of this.#keys.values()) if (k.hasDefault) out[k.name] = k.defaultValue
    return out
  }

  /**
   * Parses and validates `props` (Kafka's `ConfigDef.parse`): every defined key gets its parsed value or
   * default; keys not defined here are passed through unchanged. Unlike Kafka, which stops at the first
   * problem, every failing key is reported.
   *
   * @throws {@link ConfigError} whose `errors` maps each failing key to its messages; its message is the
   *   single error, or `Configuration is invalid and contains the following N error(s):` and one line each
   */
  parse(props: Readonly<Record<string, unknown>>): ParsedConfig {
    const undefinedKeys = this.#undefinedDependents()
    if (undefinedKeys.length > 0) {
      const msg = `Some configurations in are referred in the dependents, but not defined: ${undefinedKeys.join(',')}`
      throw new ConfigError(msg, Object.fromEntries(undefinedKeys.map((k) => [k, [msg]])))
    }
    const values: ParsedConfig = { ...props }
    const errors: Record<string, string[]> = {}
    for (const key of this.#keys.values()) {
      try {
        values[key.name] = this.parseValue(key, props[key.name], props[key.name] !== undefined)
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err
        delete values[key.name]
        const list = errors[key.name] ?? []
        list.push(err.message)
        errors[key.name] = list
      }
    }
    const messages = Object.values(errors).flat()
    if (messages.length === 1) throw new ConfigError(messages[0] ?? '', errors)
    if (messages.length > 1) {
      throw new ConfigError(
        `Configuration is invalid and contains the following ${messages.length} error(s):\n${messages.join('\n')}`,
        errors,
      )
    }
    return values
  }

  /**
   * Parses and validates one value of `key` (Kafka's `ConfigDef.parseValue`).
   * @param isSet false when the key is absent: the default is used, or it is missing
   * @throws {@link ConfigError} `Missing required configuration "<name>" which has no default value.` or a
   *   parse/validator error
   */
  parseValue(key: ConfigKey, value: unknown, isSet: boolean): unknown {
    let parsed: unknown
    if (isSet) parsed = parseConfigValue(key.name, value, key.type)
    else if (!key.hasDefault) throw missingRequired(key.name)
    else parsed = key.defaultValue
    key.validator?.ensureValid(key.name, parsed)
    return parsed
  }

  /**
   * Validates `props` without throwing (Kafka's `ConfigDef.validate`, used by REST `config/validate`): one
   * {@link ConfigValue} per defined key, in definition order, with the parsed value, parse/validator/missing
   * errors, and recommended values and visibility from recommenders (parents first, then dependents).
   * Dependents that are not defined get an extra invisible value with an error.
   */
  validate(props: Readonly<Record<string, unknown>>): ConfigValue[] {
    return [...this.validateAll(props).values()]
  }

  /** Like {@link ConfigDef.validate}, keyed by name. */
  validateAll(props: Readonly<Record<string, unknown>>): Map<string, ConfigValue> {
    const values = new Map<string, ConfigValue>()
    for (const name of this.#keys.keys()) values.set(name, new ConfigValue(name))
    for (const name of this.#undefinedDependents()) {
      const v = new ConfigValue(name)
      v.addErrorMessage(`${name} is referred in the dependents, but not defined.`)
      v.visible = false
      values.set(name, v)
    }
    const parsed: ParsedConfig = {}
    // Two passes, as Kafka's: every value is parsed before any recommender sees `parsed`.
    this.#parentsFirst(values, (name, key, config) => {
      parsed[name] = this.#parseForValidate(name, key, config, props)
    })
    this.#parentsFirst(values, (name, key, config) => this.#validateRecommended(name, key, config, parsed))
    return values
  }

  /**
   * Keys for docs: required first, then by importance (`HIGH` first), then by name (Kafka's
   * `sortedConfigs`).
   */
  sortedConfigs(): ConfigKey[] {
    return [...this.#keys.values()].sort((a, b) => {
      if (!a.hasDefault && b.hasDefault) return -1
      if (!b.hasDefault && a.hasDefault) return 1
      const cmp = IMPORTANCE_ORDER[a.importance] - IMPORTANCE_ORDER[b.importance]
      return cmp !== 0 ? cmp : compareStrings(a.name, b.name)
    })
  }

  /** Keys by group (in group order; ungrouped first), then `orderInGroup`, then name (Kafka's `sortedConfigsByGroup`). */
  sortedConfigsByGroup(): ConfigKey[] {
    const ord = new Map(this.#groups.map((g, i) => [g, i]))
    return [...this.#keys.values()].sort((a, b) => {
      let cmp =
        a.group === undefined
          ? b.group === undefined
            ? 0
            : -1
          : b.group === undefined
            ? 1
            : (ord.get(a.group) ?? 0) - (ord.get(b.group) ?? 0)
      if (cmp === 0) cmp = a.orderInGroup - b.orderInGroup
      return cmp !== 0 ? cmp : compareStrings(a.name, b.name)
    })
  }

  #addGroup(group: string | undefined): void {
    if (group !== undefined && !this.#groups.includes(group)) this.#groups.push(group)
  }

  #undefinedDependents(): string[] {
    const out = new Set<string>()
    for (const key of this.#keys.values()) for (const d of key.dependents) if (!this.#keys.has(d)) out.add(d)
    return [...out]
  }

  #configsWithNoParent(): string[] {
    const withParent = new Set<string>()
    for (const key of this.#keys.values()) for (const d of key.dependents) withParent.add(d)
    return [...this.#keys.keys()].filter((n) => !withParent.has(n))
  }

  /**
   * Visits every key that has a value in `values` once: each key without a parent, then, depth first,
   * its dependents (Kafka's validation order).
   */
  #parentsFirst(
    values: Map<string, ConfigValue>,
    visit: (name: string, key: ConfigKey, config: ConfigValue) => void,
  ): void {
    const seen = new Set<string>()
    const walk = (name: string): void => {
      const key = this.#keys.get(name)
      const config = values.get(name)
      if (key === undefined || config === undefined || seen.has(name)) return
      seen.add(name)
      visit(name, key, config)
      for (const d of key.dependents) walk(d)
    }
    for (const name of this.#configsWithNoParent()) walk(name)
  }

  /** Parses the value of one key for `validate`, recording what is wrong on `config`; returns the value. */
  #parseForValidate(
    name: string,
    key: ConfigKey,
    config: ConfigValue,
    props: Readonly<Record<string, unknown>>,
  ): unknown {
    let value: unknown = null
    const raw = props[name]
    if (raw !== undefined) {
      try {
        value = parseConfigValue(name, raw, key.type)
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err
        config.addErrorMessage(err.message)
      }
    } else if (!key.hasDefault) {
      config.addErrorMessage(missingRequired(name).message)
    } else {
      value = key.defaultValue
    }
    if (key.validator !== undefined) {
      try {
        key.validator.ensureValid(name, value)
      } catch (err) {
        config.addErrorMessage(err instanceof Error ? err.message : String(err))
      }
    }
    config.value = value
    return value
  }

  /** Applies the key's recommender (recommended values, visibility) to `config`, given every parsed value. */
  #validateRecommended(name: string, key: ConfigKey, config: ConfigValue, parsed: ParsedConfig): void {
    if (key.recommender === undefined) return
    try {
      let recommended = key.recommender.validValues(name, parsed)
      const original = config.recommendedValues
      if (original.length > 0) recommended = recommended.filter((v) => original.includes(v))
      config.recommendedValues = recommended
      config.visible = key.recommender.visible(name, parsed)
    } catch (err) {
      config.addErrorMessage(err instanceof Error ? err.message : String(err))
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function missingRequired(name: string): ConfigError {
  const msg = `Missing required configuration "${name}" which has no default value.`
  return new ConfigError(msg, { [name]: [msg] })
}

function toConfigKey(d: ConfigKeyDefinition): ConfigKey {
  if (typeof d.name !== 'string') throw new ConfigError('Config key name must be a string')
  if (!CONFIG_TYPES.includes(d.type)) {
    throw new ConfigError(`Unknown type ${String(d.type)} for configuration ${d.name}`, {
      [d.name]: [`Unknown type ${String(d.type)}`],
    })
  }
  const raw: unknown = d.defaultValue
  const hasDefault = raw !== undefined && raw !== (NO_DEFAULT_VALUE as NoDefaultValue)
  const defaultValue = hasDefault ? parseConfigValue(d.name, raw, d.type) : NO_DEFAULT_VALUE
  if (hasDefault) d.validator?.ensureValid(d.name, defaultValue)
  return Object.freeze({
    name: d.name,
    type: d.type,
    defaultValue,
    hasDefault,
    validator: d.validator,
    importance: d.importance,
    documentation: d.documentation,
    group: d.group,
    orderInGroup: d.orderInGroup ?? -1,
    width: d.width ?? 'NONE',
    displayName: d.displayName ?? d.name,
    dependents: Object.freeze([...(d.dependents ?? [])]),
    recommender: d.recommender,
    internal: d.internal ?? false,
  })
}

function embeddedRecommender(prefix: string, base: Recommender): Recommender {
  const unprefixed = (parsed: Readonly<ParsedConfig>): ParsedConfig => {
    const out: ParsedConfig = {}
    for (const [k, v] of Object.entries(parsed)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
    return out
  }
  return {
    validValues: (name, parsed) => base.validValues(name.slice(prefix.length), unprefixed(parsed)),
    visible: (name, parsed) => base.visible(name.slice(prefix.length), unprefixed(parsed)),
  }
}
