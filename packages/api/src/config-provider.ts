import type { ConfigDef } from './config/config-def.js'

/**
 * What a {@link ConfigProvider} returns for one path (Kafka's `ConfigData`): the values found, by key,
 * and optionally how long they stay valid.
 */
export interface ConfigData {
  /** The values found, by key; a requested key that is absent stays unresolved in the config. */
  readonly data: Readonly<Record<string, string>>
  /**
   * Milliseconds the values stay valid, or `null`/absent for "forever". When a connector's config used a
   * value with a TTL and its `config.action.reload` is `restart` (the default), the worker restarts the
   * connector after the TTL, as Kafka Connect does.
   */
  readonly ttl?: number | null
}

/**
 * A source of config values referenced as `${name:[path:]key}` (Kafka's
 * `org.apache.kafka.common.config.provider.ConfigProvider`, KIP-297). The worker creates one instance per
 * name listed in `config.providers`, from the class named by `config.providers.<name>.class` (a class name
 * or alias of a built-in or `plugin.path` plugin of kind `config_provider`), calls {@link configure} with
 * the `config.providers.<name>.param.*` keys (prefix removed), and resolves references in the worker
 * properties and, when connectors and tasks start, in connector configs. REST keeps returning the
 * unresolved `${…}` text.
 *
 * @example
 * ```ts
 * class VaultConfigProvider implements ConfigProvider {
 *   #client: VaultClient | undefined
 *   config(): ConfigDef {
 *     return new ConfigDef().define({ name: 'vault.address', type: 'STRING', importance: 'HIGH', documentation: 'Vault URL' })
 *   }
 *   configure(params: Readonly<Record<string, string>>): void {
 *     this.#client = new VaultClient(params['vault.address'])
 *   }
 *   async get(path: string, keys?: ReadonlySet<string>): Promise<ConfigData> {
 *     const secret = await this.#client!.read(path)
 *     return { data: pick(secret, keys), ttl: secret.leaseMs }
 *   }
 * }
 * export const plugins = [definePlugin({ kind: 'config_provider', className: 'com.example.VaultConfigProvider',
 *   version: '1.0.0', create: () => new VaultConfigProvider() })]
 * ```
 */
export interface ConfigProvider {
  /**
   * Receives the `config.providers.<name>.param.*` values. Throw a `ConfigError` naming the parameter for
   * a bad value; the worker then refuses to start and shows the message.
   */
  configure(params: Readonly<Record<string, string>>): void
  /**
   * The values at `path` (`''` when the reference has no path): only `keys` when given, else everything.
   * A path that cannot be read throws a `ConfigError`; keys that do not exist are simply left out.
   */
  get(path: string, keys?: ReadonlySet<string>): ConfigData | Promise<ConfigData>
  /**
   * The parameters this provider accepts (one `ConfigDef` per plugin, as for every Sluice plugin). The
   * worker rejects a `config.providers.<name>.param.<key>` it does not define: a typo such as
   * `allowed.path` must not silently allow every path.
   */
  config(): ConfigDef
  /** Releases resources when the worker stops. */
  close?(): void | Promise<void>
}
