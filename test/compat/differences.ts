import type { ListedDifference } from './compare.js'

/**
 * Every deliberate difference between Sluice's and Kafka Connect's REST answers, with its reason. A
 * difference not listed here fails the differential test.
 */
export const LISTED_DIFFERENCES: readonly ListedDifference[] = [
  {
    step: 'root',
    path: /^\$\.(version|commit)$/,
    reason: 'GET / reports Sluice\'s own version and commit, not Kafka\'s ("4.1.2", "c82fd9b934b4c1e6")',
  },
  {
    step: /.*/,
    path: /(^|\.)version$|\.default_value$/,
    reason:
      'plugin versions: the FileStream connectors report the Sluice package version where Kafka reports 4.1.2 ' +
      '(status "version", PluginInfo "version", connector.plugin.version default)',
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
