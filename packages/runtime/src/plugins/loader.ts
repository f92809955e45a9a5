import type { PluginDefinition, PluginKind } from '@sluice/api'
import { ConnectError } from '@sluice/api'

const modules = new Map<string, Promise<readonly PluginDefinition[]>>()

/**
 * Imports a plugin module and returns its `plugins` export. Used on the main thread by the registry
 * and on task threads to instantiate what a {@link PluginRef} names, so both sides share one rule.
 */
export function importPlugins(modulePath: string): Promise<readonly PluginDefinition[]> {
  let p = modules.get(modulePath)
  if (p === undefined) {
    p = import(modulePath).then((mod: { plugins?: unknown }) => {
      if (!Array.isArray(mod.plugins)) {
        throw new ConnectError('XC_PLUGIN', `plugin module ${modulePath} has no "plugins" array export`)
      }
      return mod.plugins as PluginDefinition[]
    })
    modules.set(modulePath, p)
  }
  return p
}

/** Creates a fresh instance of the plugin `className` from `modulePath`. */
export async function createPlugin<K extends PluginKind>(modulePath: string, className: string, kind?: K) {
  const defs = await importPlugins(modulePath)
  const def = defs.find((d) => d.className === className && (kind === undefined || d.kind === kind))
  if (def === undefined) {
    throw new ConnectError('XC_PLUGIN', `plugin ${className} not found in ${modulePath}`)
  }
  return def.create() as ReturnType<PluginDefinition<K>['create']>
}
