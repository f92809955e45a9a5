import type { ConfigError, PluginKind } from '@sluice/api'
import { BUILTIN_PLUGIN_MODULES } from '../plugins/registry.js'
import type { PluginEntry, PluginRegistry } from '../worker/worker-api.js'
import { compareJavaStrings } from './java-format.js'
import { compareVersions, type VersionRange, versionedError } from './plugin-versions.js'

/**
 * The plugin questions Kafka Connect's herder asks of `Plugins` (class or alias resolution, kinds,
 * versions, sorted listings), answered from the worker's {@link PluginRegistry}.
 */

/** Kafka's `PluginType` order of `GET /connector-plugins`. */
export const PLUGIN_KIND_ORDER: readonly PluginKind[] = [
  'sink',
  'source',
  'transformation',
  'predicate',
  'converter',
  'header_converter',
]

/** The Java interface each kind implements, as Kafka names it in "does not implement" messages. */
export const KIND_INTERFACE: Readonly<Record<PluginKind, string>> = {
  source: 'Connector',
  sink: 'Connector',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
  transformation: 'Transformation',
  predicate: 'Predicate',
  config_provider: 'ConfigProvider',
}

/** Kafka's `PluginDesc` order: class name, then version. */
export function comparePluginEntries(a: PluginEntry, b: PluginEntry): number {
  return compareJavaStrings(a.className, b.className) || compareVersions(a.version, b.version)
}

/** Every entry whose class name or alias is `nameOrAlias` (all kinds a class implements). */
export function entriesOf(plugins: PluginRegistry, nameOrAlias: string): PluginEntry[] {
  const first = plugins.find(nameOrAlias.trim())
  if (first === undefined) return []
  return plugins.list().filter((e) => e.className === first.className)
}

/** The entry of `nameOrAlias` among `kinds`, or `undefined`. */
export function findOfKind(
  plugins: PluginRegistry,
  nameOrAlias: string,
  kinds: readonly PluginKind[],
): PluginEntry | undefined {
  return entriesOf(plugins, nameOrAlias)
    .filter((e) => kinds.includes(e.kind))
    .sort(comparePluginEntries)
    .at(-1)
}

/** Kafka's `Plugins.latestVersion(classOrAlias, kinds)`: `null` when no such plugin. */
export function latestVersion(
  plugins: PluginRegistry,
  nameOrAlias: string | null | undefined,
  kinds: readonly PluginKind[],
): string | null {
  if (nameOrAlias === null || nameOrAlias === undefined) return null
  return findOfKind(plugins, nameOrAlias, kinds)?.version ?? null
}

/**
 * The entry of `nameOrAlias` among `kinds` whose version lies in `range` (the newest one).
 * @throws {@link ConfigError} Kafka's `VersionedPluginLoadingException` message
 *   `Plugin <class> not found that matches the version range <range>, available versions: [<v>, ...]`
 */
export function findInRange(
  plugins: PluginRegistry,
  nameOrAlias: string,
  kinds: readonly PluginKind[],
  range: VersionRange | null,
): PluginEntry | undefined {
  const all = entriesOf(plugins, nameOrAlias).sort(comparePluginEntries)
  const ofKind = all.filter((e) => kinds.includes(e.kind))
  if (range === null || ofKind.length === 0) return ofKind.at(-1)
  const match = ofKind.filter((e) => range.containsVersion(e.version)).at(-1)
  if (match === undefined) throw versionMismatch(ofKind[0]?.className ?? nameOrAlias, range, all)
  return match
}

/** The error of a plugin that has no version in `range`; `availableVersions` lists every entry's. */
export function versionMismatch(
  className: string,
  range: VersionRange,
  entries: readonly PluginEntry[],
): ConfigError & { readonly availableVersions?: string[] } {
  const availableVersions = entries.map((e) => e.version)
  return versionedError(
    `Plugin ${className} not found that matches the version range ${range.toString()}, available versions: [${availableVersions.join(', ')}]`,
    availableVersions,
  )
}

/** Java's `PluginDesc.toString()`, as Kafka lists available connectors in "Failed to find" messages. */
export function pluginDescString(e: PluginEntry): string {
  // Plugins bundled with Sluice play the part of Kafka's classpath plugins.
  const location = builtinModulePaths().has(e.modulePath) ? 'classpath' : e.modulePath
  return `PluginDesc{klass=class ${e.className}, name='${e.className}', version='${e.version}', encodedVersion=${e.version}, type=${e.kind}, typeName='${e.kind}', location='${location}'}`
}

let builtins: Set<string> | undefined
function builtinModulePaths(): Set<string> {
  builtins ??= new Set(
    BUILTIN_PLUGIN_MODULES.flatMap((m) => {
      try {
        return [import.meta.resolve(m)]
      } catch {
        return []
      }
    }),
  )
  return builtins
}
