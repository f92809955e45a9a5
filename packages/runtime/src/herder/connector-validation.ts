import type { ConfigInfo, ConfigInfos, ConfigKey, Connector, PluginKind } from '@sluice/api'
import {
  BadRequestError,
  type ConfigDef,
  ConfigError,
  ConfigValue,
  configKeyInfo,
  configValueInfo,
  generateConfigInfos,
  mergeConfigInfos,
} from '@sluice/api'
import type { PluginEntry, PluginRegistry } from '../worker/worker-api.js'
import {
  CONNECTOR_CLASS_CONFIG,
  CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX,
  CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX,
  CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX,
  CONNECTOR_VERSION_CONFIG,
  connectorConfigDef,
  converterDefaults,
  enrichConnectorConfigDef,
  hasDlqTopicConfig,
  PLUGIN_VERSION_SUFFIX,
  resolveClassValues,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  usesTopicCreation,
  validateSinkConnectorProps,
} from './connector-config.js'
import { javaHashOrder } from './java-format.js'
import {
  comparePluginEntries,
  entriesOf,
  findInRange,
  latestVersion,
  pluginDescString,
} from './plugin-lookup.js'
import { isVersionedError, VersionRange } from './plugin-versions.js'

/**
 * `PUT /connector-plugins/{p}/config/validate` and the check before every create or update, as Kafka
 * Connect's `AbstractHerder.validateConnectorConfig` does it: the connector-level keys (sink or source,
 * enriched with every transform and predicate), the sink subscription checks, the converters' own keys
 * (`key.converter.*`, …), the client override policy and the connector's own `config()`/`validate()`,
 * merged into one {@link ConfigInfos}.
 */

/** Raw connector properties as received; JSON may carry `null` values, which are errors. */
export type RawConnectorProps = Readonly<Record<string, string | null>>

/** What validation needs from the herder. */
export interface ValidationContext {
  readonly plugins: PluginRegistry
  /** Worker properties: converter defaults and `connector.client.config.override.policy`. */
  readonly workerProps: Readonly<Record<string, string>>
  /** A connector instance used only for `config()`/`validate()` (Kafka caches one per class). */
  readonly connectorInstance: (entry: PluginEntry) => Connector
}

const NULL_VALUE_ERROR = 'Null value can not be supplied as the configuration value.'

/** Kafka's `AbstractHerder.prefixedConfigInfos`: keys and values under `prefix`; errors counted per key. */
export function prefixedConfigInfos(
  keys: ReadonlyMap<string, ConfigKey>,
  values: readonly ConfigValue[],
  prefix: string,
): ConfigInfos {
  let errorCount = 0
  const groups = new Set<string>()
  const configs: ConfigInfo[] = []
  for (const v of values) {
    const key = keys.get(v.name)
    if (key?.group !== undefined) groups.add(key.group)
    // Kafka copies the value without its visibility, so every prefixed value is visible.
    const copy = new ConfigValue(prefix + v.name, v.value, v.recommendedValues, v.errorMessages)
    if (copy.errorMessages.length > 0) errorCount++
    configs.push({
      definition: key === undefined ? null : configKeyInfo(key, prefix),
      value: configValueInfo(copy, key?.type),
    })
  }
  return { name: '', error_count: errorCount, groups: [...groups], configs }
}

/**
 * Java's `ConfigDef.validate` returns the values of a `HashMap`, so values without a definition (and
 * prefixed converter values) come out in Java hash order.
 */
function hashOrdered(values: readonly ConfigValue[]): ConfigValue[] {
  const byName = new Map(values.map((v) => [v.name, v]))
  return javaHashOrder(byName.keys()).map((n) => byName.get(n) as ConfigValue)
}

/** Kafka's `Utils.entriesWithPrefix`: the keys under `prefix`, with it stripped. */
function withPrefix(props: RawConnectorProps, prefix: string): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}

function addNullValuedErrors(props: RawConnectorProps, values: Map<string, ConfigValue>): void {
  for (const [k, v] of Object.entries(props)) {
    if (v !== null) continue
    let cv = values.get(k)
    if (cv === undefined) {
      cv = new ConfigValue(k)
      values.set(k, cv)
    }
    cv.addErrorMessage(NULL_VALUE_ERROR)
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Kafka's `validateConverterConfig`: the converter's own keys, when the connector sets the converter. */
function validateConverterConfig(
  ctx: ValidationContext,
  props: RawConnectorProps,
  values: ReadonlyMap<string, ConfigValue>,
  role: 'key' | 'value' | 'header',
): ConfigInfos | null {
  const classKey = `${role}.converter`
  const versionKey = `${classKey}.${PLUGIN_VERSION_SUFFIX}`
  const kind: PluginKind = role === 'header' ? 'header_converter' : 'converter'
  const pluginName = `${role} converter`
  const pluginClass = props[classKey]
  const classValue = values.get(classKey)
  const versionValue = values.get(versionKey)
  if (
    pluginClass === null ||
    pluginClass === undefined ||
    classValue === undefined ||
    classValue.errorMessages.length > 0 ||
    (versionValue?.errorMessages.length ?? 0) > 0
  ) {
    // No converter of its own (the worker's is used), or it is already known to be broken.
    return null
  }
  let entry: PluginEntry | undefined
  try {
    entry = findInRange(ctx.plugins, pluginClass, [kind], VersionRange.requirement(props[versionKey]))
  } catch (err) {
    classValue.addErrorMessage(message(err))
    versionValue?.addErrorMessage(message(err))
    return null
  }
  if (entry === undefined) return null
  let instance: { config(): ConfigDef | null | undefined; close?(): void }
  try {
    instance = entry.definition.create() as typeof instance
  } catch (err) {
    classValue.addErrorMessage(
      `Failed to load class ${pluginClass}${err instanceof Error ? `: ${err.message}` : ''}`,
    )
    return null
  }
  try {
    let def: ConfigDef | null | undefined
    try {
      def = instance.config()
    } catch (err) {
      classValue.addErrorMessage(`Failed to load ConfigDef from ${pluginName}: ${message(err)}`)
      return null
    }
    // Like Kafka, a converter without a ConfigDef is simply not validated further.
    if (def === null || def === undefined) return null
    const prefix = `${classKey}.`
    const pluginConfig: Record<string, string | null> = withPrefix(props, prefix)
    pluginConfig['converter.type'] ??= role
    let converterValues: ConfigValue[]
    try {
      converterValues = def.validate(pluginConfig)
    } catch (err) {
      classValue.addErrorMessage(`Failed to perform config validation for ${pluginName}: ${message(err)}`)
      return null
    }
    return prefixedConfigInfos(def.configKeys(), hashOrdered(converterValues), prefix)
  } finally {
    try {
      instance.close?.()
    } catch {
      // Closing a throwaway instance must not fail validation.
    }
  }
}

/** The `connector.client.config.override.policy` names Kafka ships, by alias and class name. */
const POLICIES: Readonly<Record<string, { name: string; allowed: (key: string) => boolean }>> = {
  All: { name: 'All', allowed: () => true },
  None: { name: 'None', allowed: () => false },
  Principal: {
    name: 'Principal',
    allowed: (k) => k === 'sasl.jaas.config' || k === 'sasl.mechanism' || k === 'security.protocol',
  },
}

/** Resolves a `connector.client.config.override.policy` value; `undefined` when Sluice has no such policy. */
export function overridePolicy(value: string | undefined): (typeof POLICIES)[string] | undefined {
  const v = (value ?? 'All').trim()
  const simple = v.slice(v.lastIndexOf('.') + 1).replace(/ConnectorClientConfigOverridePolicy$/, '')
  if (v !== simple && !v.startsWith('org.apache.kafka.connect.connector.policy.')) return undefined
  return POLICIES[simple]
}

/** Kafka's `validateClientOverrides` for one client: each `<prefix>*` key checked against the policy. */
function validateClientOverride(
  ctx: ValidationContext,
  props: RawConnectorProps,
  prefix: string,
): ConfigInfos {
  const policy = overridePolicy(ctx.workerProps['connector.client.config.override.policy']) ?? POLICIES.All
  const overrides = withPrefix(props, prefix)
  // Kafka collects the overrides in a HashMap, so they come out in Java hash order.
  const values = javaHashOrder(Object.keys(overrides)).map((k) => {
    const v = new ConfigValue(k, overrides[k] ?? null)
    if (policy !== undefined && !policy.allowed(k)) {
      v.addErrorMessage(
        `The '${policy.name}' policy does not allow '${k}' to be overridden in the connector configuration.`,
      )
    }
    return v
  })
  // Sluice has no definitions of the Kafka clients' keys, so overrides are reported without one.
  return prefixedConfigInfos(new Map(), values, prefix)
}

function validateClientOverrides(
  ctx: ValidationContext,
  props: RawConnectorProps,
  connType: string,
  type: 'source' | 'sink',
): ConfigInfos {
  const producer = type === 'source' || hasDlqTopicConfig(props)
  const admin = type === 'source' ? usesTopicCreation(props) : hasDlqTopicConfig(props)
  const consumer = type === 'sink'
  return mergeConfigInfos(
    connType,
    producer ? validateClientOverride(ctx, props, CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX) : null,
    consumer ? validateClientOverride(ctx, props, CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX) : null,
    admin ? validateClientOverride(ctx, props, CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX) : null,
  )
}

/** The connector's own keys and `validate()`, merged over the framework's (Kafka's `validateConnectorPluginSpecifiedConfigs`). */
function validateConnectorPluginSpecifiedConfigs(
  connector: Connector,
  connType: string,
  props: RawConnectorProps,
  enriched: ConfigDef,
  values: ReadonlyMap<string, ConfigValue>,
): ConfigInfos {
  const className = connector.constructor.name
  const def = connector.config() as ConfigDef | null | undefined
  if (def === null || def === undefined) {
    throw new BadRequestError(`${className}.config() must return a ConfigDef that is not null.`)
  }
  const own = connector.validate(props as Readonly<Record<string, string>>) as
    | ConfigValue[]
    | null
    | undefined
  if (own === null || own === undefined) {
    throw new BadRequestError(`${className}.validate() must return a Config that is not null.`)
  }
  // Java's LinkedHashMap.putAll: a key the connector redefines keeps its position, takes the new definition.
  const keys = new Map(enriched.configKeys())
  for (const [k, v] of def.configKeys()) keys.set(k, v)
  const groups = [...new Set([...enriched.groups(), ...def.groups()])]
  return generateConfigInfos(
    connType,
    keys,
    [...hashOrdered([...values.values()]), ...hashOrdered(own)],
    groups,
  )
}

/** Kafka's `invalidVersionedConnectorValidation`: only the base keys, with the version error on both keys. */
function invalidVersionedConnectorValidation(
  ctx: ValidationContext,
  props: RawConnectorProps,
  connType: string,
  err: ConfigError & { availableVersions?: string[] },
): ConfigInfos {
  const def = connectorConfigDef({
    connectorVersion: latestVersion(ctx.plugins, connType, ['source', 'sink']),
  })
  const values = def.validateAll(props)
  resolveClassValues(ctx.plugins, def, values)
  values.get(CONNECTOR_CLASS_CONFIG)?.addErrorMessage(err.message)
  const version = values.get(CONNECTOR_VERSION_CONFIG)
  if (version !== undefined) {
    version.addErrorMessage(err.message)
    version.recommendedValues = [...(err.availableVersions ?? [])]
  }
  addNullValuedErrors(props, values)
  return generateConfigInfos(connType, def.configKeys(), [...values.values()], def.groups())
}

/** The connector plugin `connector.class` names, or Kafka's `BadRequestException` messages. */
function resolveConnector(ctx: ValidationContext, connType: string, range: VersionRange | null): PluginEntry {
  const entries = entriesOf(ctx.plugins, connType).filter((e) => e.kind === 'source' || e.kind === 'sink')
  if (entries.length === 0) {
    const available = [...ctx.plugins.list('sink'), ...ctx.plugins.list('source')].sort(comparePluginEntries)
    throw new BadRequestError(
      `Failed to find any class that implements Connector and which name matches ${connType}, available connectors are: ${available.map(pluginDescString).join(', ')}`,
    )
  }
  return findInRange(ctx.plugins, connType, ['source', 'sink'], range) as PluginEntry
}

/**
 * Validates a connector configuration (Kafka's `AbstractHerder.validateConnectorConfig`). Never throws for
 * invalid values: they are reported per key with `error_count`.
 *
 * @throws {@link BadRequestError} `Connector config contains no connector type` (Kafka 4.4 no longer prints
 *   the config: it may hold secrets) without
 *   `connector.class`, `Failed to find any class that implements Connector and which name matches …` for an
 *   unknown class, or Maven's message for an invalid `connector.plugin.version`
 */
export function validateConnectorConfig(ctx: ValidationContext, props: RawConnectorProps): ConfigInfos {
  const connType = props[CONNECTOR_CLASS_CONFIG]
  if (connType === null || connType === undefined) {
    throw new BadRequestError('Connector config contains no connector type')
  }
  let range: VersionRange | null
  let entry: PluginEntry
  try {
    range = VersionRange.requirement(props[CONNECTOR_VERSION_CONFIG])
  } catch (err) {
    throw new BadRequestError(message(err))
  }
  try {
    entry = resolveConnector(ctx, connType, range)
  } catch (err) {
    if (isVersionedError(err)) return invalidVersionedConnectorValidation(ctx, props, connType, err)
    throw err
  }
  const type = entry.kind === 'sink' ? 'sink' : 'source'
  const options = {
    plugins: ctx.plugins,
    connectorVersion: latestVersion(ctx.plugins, connType, ['source', 'sink']),
    keyConverter: converterDefaults(ctx.plugins, 'key', props, ctx.workerProps),
    valueConverter: converterDefaults(ctx.plugins, 'value', props, ctx.workerProps),
    headerConverter: converterDefaults(ctx.plugins, 'header', props, ctx.workerProps),
  }
  const base = type === 'sink' ? sinkConnectorConfigDef(options) : sourceConnectorConfigDef(options)
  const enriched = enrichConnectorConfigDef(ctx.plugins, base, props, false)
  const values = enriched.validateAll(props)
  resolveClassValues(ctx.plugins, enriched, values)
  if (type === 'sink') validateSinkConnectorProps(props, values, (n, v) => new ConfigValue(n, v))
  addNullValuedErrors(props, values)

  // Order matters as in Kafka: converter failures are added to the connector-level values first.
  const converterInfos = mergeConfigInfos(
    connType,
    validateConverterConfig(ctx, props, values, 'header'),
    validateConverterConfig(ctx, props, values, 'key'),
    validateConverterConfig(ctx, props, values, 'value'),
  )
  const clientOverrideInfos = validateClientOverrides(ctx, props, connType, type)
  const connectorInfos = validateConnectorPluginSpecifiedConfigs(
    ctx.connectorInstance(entry),
    connType,
    props,
    enriched,
    values,
  )
  return mergeConfigInfos(connType, connectorInfos, clientOverrideInfos, converterInfos)
}

/**
 * The error of a create or update whose validation found problems (Kafka's `maybeAddConfigErrors`): every
 * message, in the order of the validate response, in a {@link ConfigError} (REST 400) whose `errors` maps
 * each key to its messages.
 */
export function invalidConnectorConfigError(infos: ConfigInfos): ConfigError | null {
  if (infos.error_count <= 0) return null
  const lines: string[] = []
  const errors: Record<string, string[]> = {}
  for (const info of infos.configs) {
    const value = info.value
    if (value === null) continue
    for (const msg of value.errors) {
      lines.push(msg)
      const list = errors[value.name] ?? []
      list.push(msg)
      errors[value.name] = list
    }
  }
  return new ConfigError(
    `Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
    errors,
  )
}

/** The connector type of a config for `ConnectorInfo.type`: `unknown` when the class cannot be resolved. */
export function connectorTypeOf(
  plugins: PluginRegistry | undefined,
  props: Readonly<Record<string, string>> | undefined,
): 'source' | 'sink' | 'unknown' {
  const cls = props?.[CONNECTOR_CLASS_CONFIG]
  if (plugins === undefined || cls === undefined) return 'unknown'
  const entry = entriesOf(plugins, cls).find((e) => e.kind === 'source' || e.kind === 'sink')
  return entry === undefined ? 'unknown' : entry.kind === 'sink' ? 'sink' : 'source'
}
