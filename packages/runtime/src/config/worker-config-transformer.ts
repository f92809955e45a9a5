import { ConfigError, type ConfigProvider } from '@sluice/api'
import { type Clock, type ClockTimer, systemClock } from '../clock.js'
import type { PluginRegistry } from '../worker/worker-api.js'
import { type TransformResult, transformConfig } from './config-transformer.js'

/**
 * The worker's config providers (Kafka's `config.providers` worker keys and `WorkerConfigTransformer`):
 * created once from the worker properties, they resolve `${provider:[path:]key}` in the worker properties
 * themselves (as Kafka's `AbstractConfig` does) and in connector and task configs whenever the herder
 * starts a connector or task. Resolved values only ever go to the connector and its tasks; messages name
 * the reference, never its value.
 */

export const CONFIG_PROVIDERS_CONFIG = 'config.providers'
export const CONFIG_RELOAD_ACTION_CONFIG = 'config.action.reload'

/** Where the transformer reports (the CLI's logger fits). */
export interface TransformerLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string, err?: unknown): void
}

/** Options of {@link WorkerConfigTransformer.create}. */
export interface WorkerConfigTransformerOptions {
  readonly logger?: TransformerLogger | undefined
  /** Schedules TTL restarts (`config.action.reload=restart`). */
  readonly clock?: Clock | undefined
  /** The file the worker properties came from, for messages. */
  readonly source?: string | undefined
}

const silent: TransformerLogger = { info: () => {}, warn: () => {}, error: () => {} }

function problem(key: string, message: string): ConfigError {
  return new ConfigError(`${key}: ${message}`, { [key]: [message] })
}

/** The provider names of `config.providers` (trimmed, empty entries dropped). */
export function configProviderNames(props: Readonly<Record<string, string>>): string[] {
  return (props[CONFIG_PROVIDERS_CONFIG] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** Keys `config.providers.<name>.*` of the listed providers: what the worker uses of that prefix. */
export function isUsedConfigProviderKey(props: Readonly<Record<string, string>>, key: string): boolean {
  return configProviderNames(props).some(
    (n) =>
      key === `${CONFIG_PROVIDERS_CONFIG}.${n}.class` ||
      key.startsWith(`${CONFIG_PROVIDERS_CONFIG}.${n}.param.`),
  )
}

/**
 * Instantiates and configures one provider per `config.providers` name (Kafka's
 * `instantiateConfigProviders`), from the built-in and `plugin.path` plugins.
 * @throws ConfigError naming the `config.providers.<name>.*` key and the fix
 */
export function createConfigProviders(
  props: Readonly<Record<string, string>>,
  plugins: PluginRegistry,
): Map<string, ConfigProvider> {
  const out = new Map<string, ConfigProvider>()
  for (const name of configProviderNames(props)) {
    const classKey = `${CONFIG_PROVIDERS_CONFIG}.${name}.class`
    const className = props[classKey]?.trim()
    if (className === undefined || className === '') {
      // Kafka silently skips such a name, so every ${name:...} stays unresolved; say so instead.
      throw problem(
        classKey,
        `Missing required configuration "${classKey}" which has no default value. ${CONFIG_PROVIDERS_CONFIG} lists '${name}'; add ${classKey}=org.apache.kafka.common.config.provider.FileConfigProvider (or another provider class), or remove '${name}' from ${CONFIG_PROVIDERS_CONFIG}`,
      )
    }
    const available = plugins
      .list('config_provider')
      .map((e) => e.className)
      .sort()
    const entry = plugins.find(className, 'config_provider')
    if (entry === undefined || entry.kind !== 'config_provider') {
      const other = plugins.find(className)
      throw problem(
        classKey,
        `Invalid value ${className} for configuration ${classKey}: ${
          other === undefined
            ? 'Could not load config provider class or one of its dependencies'
            : `Class ${other.className} does not implement the ConfigProvider interface`
        }. Use one of ${available.join(', ')}, or add the directory of the plugin that provides it to plugin.path`,
      )
    }
    const paramPrefix = `${CONFIG_PROVIDERS_CONFIG}.${name}.param.`
    const params: Record<string, string> = {}
    for (const [k, v] of Object.entries(props))
      if (k.startsWith(paramPrefix)) params[k.slice(paramPrefix.length)] = v
    const provider = entry.definition.create() as ConfigProvider
    const defined = provider.config().names()
    for (const p of Object.keys(params)) {
      if (!defined.includes(p)) {
        throw problem(
          `${paramPrefix}${p}`,
          `${entry.className} has no parameter '${p}'; it accepts ${defined.length === 0 ? 'none' : defined.join(', ')}`,
        )
      }
    }
    try {
      provider.configure(params)
    } catch (err) {
      const param = err instanceof ConfigError ? Object.keys(err.errors)[0] : undefined
      const key = param === undefined ? classKey : `${paramPrefix}${param}`
      throw problem(key, (err as Error).message)
    }
    out.set(name, provider)
  }
  return out
}

/** Kafka's `WorkerConfigTransformer`, plus the worker-properties resolution of `AbstractConfig`. */
export class WorkerConfigTransformer {
  readonly #providers: ReadonlyMap<string, ConfigProvider>
  readonly #log: TransformerLogger
  readonly #clock: Clock
  readonly #reloads = new Map<string, Map<string, ClockTimer>>()
  readonly #warned = new Set<string>()
  /** Called when a TTL expires for a connector whose `config.action.reload` is `restart` (set by the herder). */
  onReload: ((connector: string) => Promise<void>) | undefined

  constructor(providers: ReadonlyMap<string, ConfigProvider>, options: WorkerConfigTransformerOptions = {}) {
    this.#providers = providers
    this.#log = options.logger ?? silent
    this.#clock = options.clock ?? systemClock
  }

  /** Creates the providers of the worker properties (see {@link createConfigProviders}). */
  static create(
    props: Readonly<Record<string, string>>,
    plugins: PluginRegistry,
    options: WorkerConfigTransformerOptions = {},
  ): WorkerConfigTransformer {
    return new WorkerConfigTransformer(createConfigProviders(props, plugins), options)
  }

  /** The configured provider names. */
  get providerNames(): string[] {
    return [...this.#providers.keys()]
  }

  /** Resolves the worker properties (Kafka resolves every worker key when it parses the config). */
  async resolveWorkerProps(
    props: Readonly<Record<string, string>>,
    source = 'worker properties',
  ): Promise<Record<string, string>> {
    const result = await this.#transform(props, source)
    return result.data
  }

  /** Resolves a config without scheduling reloads (validation: Kafka's `transform(configs)`). */
  async resolve(config: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    return (await this.#transform(config, 'connector config')).data
  }

  /**
   * Resolves a connector or task config of `connector`; schedules the connector's restart after the
   * shortest TTL a provider returned, unless its `config.action.reload` is `none`.
   */
  async transform(
    connector: string,
    config: Readonly<Record<string, string>>,
  ): Promise<Record<string, string>> {
    const result = await this.#transform(config, `connector ${connector}`)
    const action = (config[CONFIG_RELOAD_ACTION_CONFIG] ?? 'restart').trim().toLowerCase()
    if (action === 'restart')
      for (const [path, ttl] of result.ttls) this.#scheduleReload(connector, path, ttl)
    return result.data
  }

  /** Cancels pending reloads and closes the providers. */
  async close(): Promise<void> {
    for (const byPath of this.#reloads.values()) for (const t of byPath.values()) this.#clock.clearTimeout(t)
    this.#reloads.clear()
    for (const [name, p] of this.#providers) {
      try {
        await p.close?.()
      } catch (err) {
        this.#log.error(`Failed to close config provider ${name}`, err)
      }
    }
  }

  async #transform(config: Readonly<Record<string, string>>, where: string): Promise<TransformResult> {
    let result: TransformResult
    try {
      result = await transformConfig(config, this.#providers)
    } catch (err) {
      throw new ConfigError(
        `Cannot resolve the config providers' references of ${where}: ${(err as Error).message}`,
        {},
        { cause: err },
      )
    }
    for (const u of result.unresolved) {
      const line = `${where}: ${u.configKey}=${u.variable.text} was not resolved (${u.reason}); the value stays as written`
      if (this.#warned.has(line)) continue
      // Bounded: a long-running worker with many connectors forgets old warnings (they may repeat).
      if (this.#warned.size >= 1000) this.#warned.clear()
      this.#warned.add(line)
      this.#log.warn(line)
    }
    return result
  }

  #scheduleReload(connector: string, path: string, ttl: number): void {
    const byPath = this.#reloads.get(connector) ?? new Map<string, ClockTimer>()
    this.#reloads.set(connector, byPath)
    const previous = byPath.get(path)
    // A newer TTL for the same path replaces the stale one.
    if (previous !== undefined) this.#clock.clearTimeout(previous)
    this.#log.info(`Scheduling a restart of connector ${connector} in ${ttl} ms`)
    byPath.set(
      path,
      this.#clock.setTimeout(() => {
        byPath.delete(path)
        const reload = this.onReload
        if (reload === undefined) return
        reload(connector).catch((err: unknown) =>
          this.#log.error('Unexpected error during connector restart: ', err),
        )
      }, ttl),
    )
  }
}
