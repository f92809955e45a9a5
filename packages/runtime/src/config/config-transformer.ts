import type { ConfigProvider } from '@sluice/api'

/**
 * Kafka's `ConfigTransformer`: finds `${provider:[path:]key}` references in config values, asks each
 * provider once per path for the keys referenced there, and replaces what it returned. A reference whose
 * provider is unknown, or whose key the provider did not return (missing key, path outside
 * `allowed.paths`), stays exactly as written — Kafka's behaviour — and is reported in
 * {@link TransformResult.unresolved} so the caller can say so (without ever printing a resolved value).
 */

/** Kafka's `ConfigTransformer.DEFAULT_PATTERN`: `${provider:[path:]key}`, no `}` inside. */
const VARIABLE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g

/** One `${provider:[path:]key}` reference. */
export interface ConfigVariable {
  readonly provider: string
  /** `''` when the reference has no path. */
  readonly path: string
  readonly key: string
  /** The reference as written. */
  readonly text: string
}

/** The variables in one value, in order. */
export function configVariables(value: string): ConfigVariable[] {
  const out: ConfigVariable[] = []
  for (const m of value.matchAll(VARIABLE)) {
    out.push({ provider: m[1] ?? '', path: m[3] ?? '', key: m[4] ?? '', text: m[0] })
  }
  return out
}

/** Whether a value holds at least one reference (Kafka's `keysWithVariableValues` test). */
export function hasConfigVariables(value: string | null | undefined): boolean {
  return typeof value === 'string' && configVariables(value).length > 0
}

/** What {@link transformConfig} returns. */
export interface TransformResult {
  /** The config with every resolvable reference replaced. */
  readonly data: Record<string, string>
  /** TTL in ms by path, for paths whose provider returned one (Kafka's `ConfigTransformerResult.ttls`). */
  readonly ttls: ReadonlyMap<string, number>
  /** References left as written, with the config key they are in and why. */
  readonly unresolved: ReadonlyArray<{
    readonly configKey: string
    readonly variable: ConfigVariable
    readonly reason: string
  }>
}

/**
 * Resolves the references of `configs` with `providers` (by name). Provider errors (an unreadable file,
 * a path for the env provider) propagate, as in Kafka.
 */
export async function transformConfig(
  configs: Readonly<Record<string, string>>,
  providers: ReadonlyMap<string, ConfigProvider>,
): Promise<TransformResult> {
  // Collect keys by provider and path, so each provider is asked once per path.
  const wanted = new Map<string, Map<string, Set<string>>>()
  for (const value of Object.values(configs)) {
    if (typeof value !== 'string') continue
    for (const v of configVariables(value)) {
      const byPath = wanted.get(v.provider) ?? new Map<string, Set<string>>()
      wanted.set(v.provider, byPath)
      const keys = byPath.get(v.path) ?? new Set<string>()
      byPath.set(v.path, keys)
      keys.add(v.key)
    }
  }
  const lookups = new Map<string, Map<string, Readonly<Record<string, string>>>>()
  const ttls = new Map<string, number>()
  for (const [name, byPath] of wanted) {
    const provider = providers.get(name)
    if (provider === undefined) continue
    const found = new Map<string, Readonly<Record<string, string>>>()
    lookups.set(name, found)
    for (const [path, keys] of byPath) {
      const result = await provider.get(path, new Set(keys))
      found.set(path, result.data)
      if (typeof result.ttl === 'number' && result.ttl >= 0) ttls.set(path, result.ttl)
    }
  }
  const data: Record<string, string> = { ...configs }
  const unresolved: Array<{ configKey: string; variable: ConfigVariable; reason: string }> = []
  for (const [configKey, value] of Object.entries(configs)) {
    if (typeof value !== 'string' || !value.includes('${')) continue
    data[configKey] = value.replace(
      VARIABLE,
      (text, provider: string, _p, path: string | undefined, key: string) => {
        const variable = { provider, path: path ?? '', key, text }
        const byPath = lookups.get(provider)
        if (byPath === undefined) {
          unresolved.push({
            configKey,
            variable,
            reason: `no config provider named '${provider}' (config.providers)`,
          })
          return text
        }
        const replacement = byPath.get(variable.path)?.[key]
        if (replacement === undefined || !Object.hasOwn(byPath.get(variable.path) ?? {}, key)) {
          unresolved.push({
            configKey,
            variable,
            reason: `provider '${provider}' returned no value for key '${key}'${variable.path === '' ? '' : ` at path '${variable.path}'`}`,
          })
          return text
        }
        return replacement
      },
    )
  }
  return { data, ttls, unresolved }
}

/**
 * Kafka's `AbstractHerder.reverseTransform`: in configs generated from a resolved connector config (task
 * configs), puts back the raw `${…}` text for every key whose raw connector value has a reference, so what
 * is stored and shown by REST never holds a resolved value.
 */
export function reverseTransform(
  rawConnectorConfig: Readonly<Record<string, string>>,
  configs: ReadonlyArray<Readonly<Record<string, string>>>,
): Array<Record<string, string>> {
  const withVariables = Object.keys(rawConnectorConfig).filter((k) =>
    hasConfigVariables(rawConnectorConfig[k]),
  )
  return configs.map((c) => {
    const out = { ...c }
    for (const k of withVariables) if (Object.hasOwn(out, k)) out[k] = rawConnectorConfig[k] as string
    return out
  })
}
