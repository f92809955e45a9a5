import type { ConfigDef } from './config/index.js'
import type { PluginConfigs } from './converter.js'
import type { ConnectRecord } from './records.js'

/**
 * A single message transform (Kafka Connect's `Transformation`): returns a new record, the same
 * record, or null to drop it. Must not mutate its input.
 */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(configs: PluginConfigs): void
  apply(record: R): R | null
  config(): ConfigDef
  close(): void
}

/** A condition for applying a transform (Kafka Connect's `Predicate`, KIP-585). */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(configs: PluginConfigs): void
  test(record: R): boolean
  config(): ConfigDef
  close(): void
}
