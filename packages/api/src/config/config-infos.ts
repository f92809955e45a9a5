import { type ConfigDef, type ConfigKey, convertToString } from './config-def.js'
import type { ConfigValue } from './config-value.js'
import type { ConfigType } from './types.js'

/** JSON `definition` of one key in a validate response (Kafka Connect's `ConfigKeyInfo`). */
export interface ConfigKeyInfo {
  readonly name: string
  readonly type: ConfigType
  readonly required: boolean
  readonly default_value: string | null
  readonly importance: string
  readonly documentation: string | null
  readonly group: string | null
  /** Kafka 4.4 names this `order_in_group` and puts it after `group` (4.1: `order`, last). */
  readonly order_in_group: number
  readonly width: string
  readonly display_name: string
  readonly dependents: readonly string[]
}

/** JSON `value` of one key in a validate response (Kafka Connect's `ConfigValueInfo`). */
export interface ConfigValueInfo {
  readonly name: string
  readonly value: string | null
  readonly recommended_values: readonly string[]
  readonly errors: readonly string[]
  readonly visible: boolean
}

/** One entry of {@link ConfigInfos.configs} (Kafka Connect's `ConfigInfo`). */
export interface ConfigInfo {
  readonly definition: ConfigKeyInfo | null
  readonly value: ConfigValueInfo | null
}

/**
 * The body of `PUT /connector-plugins/{plugin}/config/validate` (Kafka Connect's `ConfigInfos`); plain
 * data, serialize with `JSON.stringify` (field order matches Kafka Connect's).
 */
export interface ConfigInfos {
  readonly name: string
  readonly error_count: number
  readonly groups: readonly string[]
  readonly configs: readonly ConfigInfo[]
}

/**
 * The REST `definition` of a key (Kafka Connect's `AbstractHerder.convertConfigKey`): `required` when there is
 * no default, `default_value` via {@link convertToString} (passwords `[hidden]`), upper-case enums.
 * @param prefix prepended to the name (for client override keys such as `producer.override.`)
 */
export function configKeyInfo(key: ConfigKey, prefix = ''): ConfigKeyInfo {
  return {
    name: prefix + key.name,
    type: key.type,
    required: !key.hasDefault,
    default_value: key.hasDefault ? convertToString(key.defaultValue, key.type) : null,
    importance: key.importance,
    documentation: key.documentation,
    group: key.group ?? null,
    order_in_group: key.orderInGroup,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
  }
}

/**
 * The REST `value` of a validated key (Kafka Connect's `AbstractHerder.convertConfigValue`): the value and
 * recommended values as strings (`LIST` comma-joined, `PASSWORD` `[hidden]`).
 * @param type the key's type; `undefined` for keys without definition
 */
export function configValueInfo(value: ConfigValue, type: ConfigType | undefined): ConfigValueInfo {
  const recType = type === 'LIST' ? 'STRING' : type
  return {
    name: value.name,
    value: convertToString(value.value, type),
    recommended_values: value.recommendedValues.map((v) => convertToString(v, recType) ?? 'null'),
    errors: [...value.errorMessages],
    visible: value.visible,
  }
}

/**
 * Builds {@link ConfigInfos} from keys and validated values (Kafka Connect's `AbstractHerder.generateResult`):
 * first the values that have no key (definition `null`), then every key in order with its value (or
 * `null`). `error_count` is the total number of error messages.
 */
export function generateConfigInfos(
  name: string,
  keys: ReadonlyMap<string, ConfigKey>,
  values: readonly ConfigValue[],
  groups: readonly string[],
): ConfigInfos {
  let errorCount = 0
  const configs: ConfigInfo[] = []
  const byName = new Map<string, ConfigValue>()
  for (const v of values) {
    byName.set(v.name, v)
    if (!keys.has(v.name)) {
      configs.push({ definition: null, value: configValueInfo(v, undefined) })
      errorCount += v.errorMessages.length
    }
  }
  for (const [keyName, key] of keys) {
    const v = byName.get(keyName)
    if (v !== undefined) errorCount += v.errorMessages.length
    configs.push({
      definition: configKeyInfo(key),
      value: v === undefined ? null : configValueInfo(v, key.type),
    })
  }
  return { name, error_count: errorCount, groups: [...groups], configs }
}

/**
 * Concatenates several {@link ConfigInfos} under one name, summing error counts and merging groups in order
 * (Kafka Connect's `AbstractHerder.mergeConfigInfos`).
 */
export function mergeConfigInfos(
  name: string,
  ...infos: readonly (ConfigInfos | null | undefined)[]
): ConfigInfos {
  let errorCount = 0
  const configs: ConfigInfo[] = []
  const groups = new Set<string>()
  for (const i of infos) {
    if (i === null || i === undefined) continue
    errorCount += i.error_count
    configs.push(...i.configs)
    for (const g of i.groups) groups.add(g)
  }
  return { name, error_count: errorCount, groups: [...groups], configs }
}

/**
 * Validates `props` against `def` and returns the REST validate body (Kafka Connect's `ConfigInfos`).
 *
 * @param connectorClass the `name` of the result (Kafka Connect uses the `connector.class` value as given)
 * @param values already validated values to use instead of `def.validate(props)` (e.g. from
 *   `Connector.validate`, which may add cross-field errors)
 * @param groups the groups to report; `def.groups()` when omitted
 *
 * @example
 * ```ts
 * const body = configInfos('FileStreamSource', connector.config(), props)
 * // { name: 'FileStreamSource', error_count: 1, groups: [...], configs: [{ definition: {...}, value: {...} }] }
 * ```
 */
export function configInfos(
  connectorClass: string,
  def: ConfigDef,
  props: Readonly<Record<string, unknown>>,
  groups?: readonly string[],
  values?: readonly ConfigValue[],
): ConfigInfos {
  return generateConfigInfos(
    connectorClass,
    def.configKeys(),
    values ?? def.validate(props),
    groups ?? def.groups(),
  )
}
