import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { PluginKind } from '@sluice/api'
import { ConnectError, NotFoundError } from '@sluice/api'
import type { PluginEntry, PluginRegistry } from '../worker/worker-api.js'
import { importPlugins } from './loader.js'

/** Packages bundled with Sluice whose plugins are always available. */
export const BUILTIN_PLUGIN_MODULES = [
  '@sluice/converters',
  '@sluice/transforms',
  '@sluice/connector-file',
  '@sluice/connector-s3',
  '@sluice/connector-mysql',
] as const

/** The runtime's own plugins, always loaded: Kafka's config providers (`config.providers`). */
const RUNTIME_PLUGIN_MODULE = new URL('../config/builtin-providers.js', import.meta.url).href

const KIND_SUFFIX: Partial<Record<PluginKind, string>> = {
  source: 'Connector',
  sink: 'Connector',
  config_provider: 'ConfigProvider',
}

/**
 * Kafka Connect's aliases: the simple class name, and for connectors and config providers also without
 * "Connector" / "ConfigProvider" (`FileConfigProvider` → `File`).
 */
function derivedAliases(className: string, kind: PluginKind): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1)
  const out = [simple]
  const suffix = KIND_SUFFIX[kind]
  if (suffix !== undefined && simple.endsWith(suffix) && simple.length > suffix.length) {
    out.push(simple.slice(0, -suffix.length))
  }
  return out
}

/** Entry module of a plugin package directory, from its package.json (`exports["."]` or `main`). */
function packageEntry(dir: string): string | undefined {
  const manifestPath = path.join(dir, 'package.json')
  if (!existsSync(manifestPath)) return undefined
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    sluice?: unknown
    main?: string
    exports?: unknown
  }
  if (manifest.sluice === undefined) return undefined
  const exp = manifest.exports
  let rel: string | undefined
  if (typeof exp === 'string') rel = exp
  else if (exp !== null && typeof exp === 'object') {
    const dot = (exp as Record<string, unknown>)['.'] ?? exp
    if (typeof dot === 'string') rel = dot
    else if (dot !== null && typeof dot === 'object') {
      const cond = dot as Record<string, unknown>
      const pick = cond.import ?? cond.default ?? cond.node
      if (typeof pick === 'string') rel = pick
    }
  }
  rel ??= manifest.main ?? 'index.js'
  const file = path.resolve(dir, rel)
  if (!existsSync(file)) {
    throw new ConnectError(
      'XC_PLUGIN',
      `plugin package ${dir}: entry ${rel} does not exist (is the package built?)`,
    )
  }
  return pathToFileURL(file).href
}

/** Plugin modules found under the `plugin.path` directories: each directory or its children. */
export function scanPluginPath(dirs: readonly string[]): string[] {
  const found: string[] = []
  for (const raw of dirs) {
    const dir = path.resolve(raw.trim())
    if (raw.trim() === '') continue
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConnectError(
        'XC_PLUGIN',
        `plugin.path entry ${dir} is not a directory; fix or remove it from plugin.path`,
      )
    }
    const self = packageEntry(dir)
    if (self !== undefined) {
      found.push(self)
      continue
    }
    for (const name of readdirSync(dir).sort()) {
      const child = path.join(dir, name)
      if (statSync(child).isDirectory()) {
        const entry = packageEntry(child)
        if (entry !== undefined) found.push(entry)
      }
    }
  }
  return found
}

class Registry implements PluginRegistry {
  readonly #entries: PluginEntry[] = []
  readonly #byName = new Map<string, PluginEntry[]>()

  add(entry: PluginEntry): void {
    this.#entries.push(entry)
    for (const n of new Set([entry.className, ...entry.aliases])) {
      const list = this.#byName.get(n) ?? []
      list.push(entry)
      this.#byName.set(n, list)
    }
  }

  list(kind?: PluginKind): readonly PluginEntry[] {
    return kind === undefined ? this.#entries : this.#entries.filter((e) => e.kind === kind)
  }

  find(nameOrAlias: string, kind?: PluginKind): PluginEntry | undefined {
    const list = this.#byName.get(nameOrAlias.trim())
    if (list === undefined) return undefined
    const matching =
      kind === undefined
        ? list
        : list.filter((e) => e.kind === kind || (isConnector(kind) && isConnector(e.kind)))
    // An exact class name wins over an alias another plugin happens to share.
    return matching.find((e) => e.className === nameOrAlias) ?? matching[0]
  }

  resolve(nameOrAlias: string, kind?: PluginKind): PluginEntry {
    const e = this.find(nameOrAlias, kind)
    if (e === undefined) {
      const what = kind === undefined ? 'plugin' : isConnector(kind) ? 'connector' : kind.replace('_', ' ')
      throw new NotFoundError(
        `Failed to find any class that implements ${what} and which name matches ${nameOrAlias}, available ${what}s are: ${this.list(
          kind,
        )
          .map((p) => p.className)
          .join(', ')}`,
      )
    }
    return e
  }
}

function isConnector(kind: PluginKind): boolean {
  return kind === 'source' || kind === 'sink'
}

/**
 * Loads the built-in plugins and those under `plugin.path`. Plugins are identified by class name or
 * any alias, as in Kafka Connect.
 */
export async function loadPluginRegistry(
  pluginPath: readonly string[] = [],
  builtins: readonly string[] = BUILTIN_PLUGIN_MODULES,
): Promise<PluginRegistry> {
  const registry = new Registry()
  const modulePaths = [
    RUNTIME_PLUGIN_MODULE,
    ...builtins.map((m) => import.meta.resolve(m)),
    ...scanPluginPath(pluginPath),
  ]
  for (const modulePath of modulePaths) {
    for (const def of await importPlugins(modulePath)) {
      const aliases = [...new Set([...(def.aliases ?? []), ...derivedAliases(def.className, def.kind)])]
      registry.add({
        definition: def,
        kind: def.kind,
        className: def.className,
        aliases,
        version: def.version,
        modulePath,
      })
    }
  }
  return registry
}
