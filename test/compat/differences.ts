import type { ListedDifference } from './compare.js'

/**
 * Connector keys only Sluice has (documented extensions in its connector ConfigDef). They are left out
 * of Sluice's plugin-config and validate answers before the comparison (compare.ts), each with its
 * reason here.
 */
export const SLUICE_EXTENSION_KEYS: ReadonlySet<string> = new Set([
  // docs/error-handling.md: the connector's own budget of automatic task restarts (0 = never, as Java).
  'task.restart.max.attempts',
])

/**
 * Every deliberate difference between Sluice's and Kafka Connect's REST answers, with its reason. A
 * difference not listed here fails the differential test.
 */
export const LISTED_DIFFERENCES: readonly ListedDifference[] = [
  {
    step: 'root',
    path: /^\$\.(version|commit)$/,
    reason: 'GET / reports Sluice\'s own version and commit, not Kafka\'s (e.g. "4.4.0", "1156b2752aaa28ea")',
  },
  {
    step: /.*/,
    path: /(^|\.)version$|\.default_value$/,
    reason:
      'plugin versions: the FileStream connectors report the Sluice package version where Kafka reports its own version ' +
      '(status "version", PluginInfo "version", connector.plugin.version default)',
  },
  {
    // configs[2], [6], [8] and [10] of a FileStream validate are connector.plugin.version and the key,
    // value and header converter .plugin.version keys (Kafka 4.1, KIP-891): their value defaults to the
    // plugin's version and the recommended values list the installed versions.
    step: /^validate-/,
    path: /^\$\.configs\[(2|6|8|10)\]\.value\.(value|recommended_values\[0\])$/,
    reason:
      'plugin versions in validate: the *.plugin.version keys default to and recommend the Sluice plugin version ' +
      'where Kafka reports its own version',
  },
  {
    step: /^(validate-unknown-class|create-unknown-class)$/,
    path: '$.message',
    reason:
      'the "Failed to find any class that implements Connector" message lists the installed plugins in Java\'s ' +
      'PluginDesc{klass=…, location=…} form; Sluice lists its own plugins',
  },
  {
    step: 'restart-unknown',
    reason:
      'Kafka 4.1 standalone answers a plain restart of an unknown connector with 500 (a NullPointerException: ' +
      '"Cannot invoke Map.get(Object) because connProps is null"); Sluice answers 404 "Unknown connector: <name>"',
  },
]
