/**
 * `@sluice/connector-mysql`: MySQL/MariaDB change data capture as a drop-in for Debezium 2.7's
 * `MySqlConnector` and `MariaDbConnector` (same config keys, records, topics and offsets), and Debezium's
 * `ExtractNewRecordState` transform. See docs/adr/0017-mysql-cdc-source.md.
 *
 * @packageDocumentation
 */
import { definePlugin, type PluginDefinition } from '@sluice/api'
import { EXTRACT_NEW_RECORD_STATE_CLASS, ExtractNewRecordState } from './extract-new-record-state.js'
import {
  MARIADB_CONNECTOR_CLASS,
  MariaDbSourceConnector,
  MYSQL_CONNECTOR_CLASS,
  MySqlSourceConnector,
} from './mysql-source-connector.js'
import { VERSION } from './version.js'

export { MYSQL_CONFIG_DEF, MySqlConfig, RENAMED_KEYS, validateMySqlProps } from './config.js'
export { DEBEZIUM_VERSION, sourceSchema, TableSchemas } from './events.js'
export {
  EXTRACT_NEW_RECORD_STATE_CLASS,
  EXTRACT_NEW_RECORD_STATE_CONFIG_DEF,
  ExtractNewRecordState,
} from './extract-new-record-state.js'
export { jacksonPretty } from './jackson-json.js'
export {
  MARIADB_CONNECTOR_CLASS,
  MariaDbSourceConnector,
  MYSQL_CONNECTOR_CLASS,
  MySqlSourceConnector,
} from './mysql-source-connector.js'
export { ddlTargets, MariaDbSourceTask, MySqlSourceTask, mergeGtid } from './mysql-source-task.js'
export { columnFromRow, parseMembers } from './table.js'
export { datetimeMicros, mapColumn, timeMicros, zonedTimestamp } from './types.js'
export { VERSION } from './version.js'

/** The plugins of this package (`MySqlConnector`, `MariaDbConnector`, `ExtractNewRecordState`). */
export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'source',
    className: MYSQL_CONNECTOR_CLASS,
    aliases: ['MySqlConnector', 'MySql'],
    version: VERSION,
    create: () => new MySqlSourceConnector(),
  }),
  definePlugin({
    kind: 'source',
    className: MARIADB_CONNECTOR_CLASS,
    aliases: ['MariaDbConnector', 'MariaDb'],
    version: VERSION,
    create: () => new MariaDbSourceConnector(),
  }),
  definePlugin({
    kind: 'transformation',
    className: EXTRACT_NEW_RECORD_STATE_CLASS,
    aliases: ['ExtractNewRecordState'],
    version: VERSION,
    create: () => new ExtractNewRecordState(),
  }),
]
