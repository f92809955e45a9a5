/**
 * `@sluice/cli`: the `sluice` and `connect-standalone` commands, and their pieces for tests and embedding.
 *
 * @packageDocumentation
 */

export { CliError } from './cli-error.js'
export type { ConnectorFile } from './connector-files.js'
export { parseConnectorFile } from './connector-files.js'
export type { CliLogger } from './logger.js'
export { consoleLogger, describeError } from './logger.js'
export type { CliContext } from './program.js'
export { runCli, runConnectStandalone } from './program.js'
export { decodePropertiesBytes, loadPropertiesFile, parseProperties } from './properties.js'
export type { RestHandle } from './rest-hook.js'
export { startRestServer } from './rest-hook.js'
export type { RunningStandalone, SignalSource, StandaloneOptions } from './standalone.js'
export {
  loadWorkerConfig,
  lookupKafkaClusterId,
  readWorkerProps,
  runStandalone,
  STANDALONE_USAGE,
  startStandalone,
} from './standalone.js'
export type { StandaloneWorkerConfig, WorkerConfigProblems } from './worker-config.js'
export {
  formatConfigErrors,
  OFFSET_STORAGE_FILE_FILENAME_CONFIG,
  parseStandaloneConfig,
  STANDALONE_CONFIG_DEF,
  unusedWorkerKeys,
  unusedWorkerKeysMessage,
  WORKER_CONFIG_DEF,
} from './worker-config.js'
