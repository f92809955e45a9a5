import {
  ConfigDef,
  ConfigError,
  type ConfigValue,
  type ConnectorProps,
  type Password,
  Range,
  ValidString,
} from '@sluice/api'

/**
 * The MySQL connector's configuration, with Debezium's key names. Debezium 1.x and 2.x named several keys
 * differently; both spellings are accepted (the seed config uses 1.x) and resolved by {@link MySqlConfig}.
 * Keys Debezium defines but Sluice does not implement are refused by {@link validateMySqlProps}, so a
 * setting never silently does nothing.
 */

/** 1.x name → 2.x name. Setting both to different values is a validation error. */
export const RENAMED_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['database.server.name', 'topic.prefix'],
  ['database.history', 'schema.history.internal'],
  ['database.history.kafka.topic', 'schema.history.internal.kafka.topic'],
  ['database.history.kafka.bootstrap.servers', 'schema.history.internal.kafka.bootstrap.servers'],
  [
    'database.history.kafka.recovery.poll.interval.ms',
    'schema.history.internal.kafka.recovery.poll.interval.ms',
  ],
  ['database.history.kafka.recovery.attempts', 'schema.history.internal.kafka.recovery.attempts'],
  ['database.history.kafka.query.timeout.ms', 'schema.history.internal.kafka.query.timeout.ms'],
  ['database.history.skip.unparseable.ddl', 'schema.history.internal.skip.unparseable.ddl'],
  [
    'database.history.store.only.captured.tables.ddl',
    'schema.history.internal.store.only.captured.tables.ddl',
  ],
  ['heartbeat.topics.prefix', 'topic.heartbeat.prefix'],
]

/** The history implementations Sluice provides (Kafka topic only), by both versions' class names. */
export const KAFKA_HISTORY_CLASSES = [
  'io.debezium.relational.history.KafkaDatabaseHistory',
  'io.debezium.storage.kafka.history.KafkaSchemaHistory',
]

export const SNAPSHOT_MODES = [
  'initial',
  'initial_only',
  'when_needed',
  'never',
  'no_data',
  'schema_only',
] as const
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number]

const str = (
  name: string,
  defaultValue: string | null,
  documentation: string,
  validator?: ValidString,
): Parameters<ConfigDef['define']>[0] => ({
  name,
  type: 'STRING',
  defaultValue,
  importance: 'MEDIUM',
  documentation,
  validator,
})

/** The connector's keys, as data (validation, docs and secret masking derive from it). */
export const MYSQL_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    ...str('database.hostname', null, 'Resolvable hostname or IP address of the database server.'),
    importance: 'HIGH',
  })
  .define({
    name: 'database.port',
    type: 'INT',
    defaultValue: 3306,
    validator: Range.between(1, 65535),
    importance: 'HIGH',
    documentation: 'Port of the database server.',
  })
  .define({
    ...str('database.user', null, 'Name of the database user to be used when connecting to the database.'),
    importance: 'HIGH',
  })
  .define({
    name: 'database.password',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Password of the database user to be used when connecting to the database.',
  })
  .define({
    name: 'database.server.id',
    type: 'LONG',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'A numeric ID of this database client, which must be unique across all currently-running database processes in the cluster. Defaults to a random number between 5400 and 6400.',
  })
  .define(str('database.server.name', null, '1.x name of topic.prefix.'))
  .define({
    ...str(
      'topic.prefix',
      null,
      'Topic prefix that identifies and provides a namespace for the particular database server/cluster is capturing changes. The topic prefix should be unique across all other connectors, since it is used as a prefix for all Kafka topic names that receive events emitted by this connector. Only alphanumeric characters, hyphens, dots and underscores must be accepted.',
    ),
    importance: 'HIGH',
  })
  .define(
    str(
      'database.include.list',
      null,
      'The databases for which changes are to be captured (comma-separated regular expressions).',
    ),
  )
  .define(str('database.exclude.list', null, 'The databases for which changes are not to be captured.'))
  .define(
    str(
      'table.include.list',
      null,
      'The tables for which changes are to be captured (comma-separated regular expressions matching db.table).',
    ),
  )
  .define(str('table.exclude.list', null, 'The tables for which changes are not to be captured.'))
  .define(
    str(
      'column.include.list',
      null,
      'Regular expressions matching fully-qualified names (db.table.column) of the columns to include in change events.',
    ),
  )
  .define(
    str(
      'column.exclude.list',
      null,
      'Regular expressions matching fully-qualified names of the columns to exclude from change events.',
    ),
  )
  .define(str('database.history', null, '1.x name of schema.history.internal.'))
  .define(
    str(
      'schema.history.internal',
      null,
      'The schema history implementation; only the Kafka topic one is supported.',
    ),
  )
  .define(str('database.history.kafka.topic', null, '1.x name of schema.history.internal.kafka.topic.'))
  .define(
    str(
      'schema.history.internal.kafka.topic',
      null,
      'The name of the topic for the database schema history.',
    ),
  )
  .define(
    str(
      'database.history.kafka.bootstrap.servers',
      null,
      '1.x name of schema.history.internal.kafka.bootstrap.servers.',
    ),
  )
  .define(
    str(
      'schema.history.internal.kafka.bootstrap.servers',
      null,
      'A list of host/port pairs of the Kafka cluster holding the schema history topic.',
    ),
  )
  .define(
    str(
      'database.history.kafka.recovery.poll.interval.ms',
      null,
      '1.x name of schema.history.internal.kafka.recovery.poll.interval.ms.',
    ),
  )
  .define(
    str(
      'schema.history.internal.kafka.recovery.poll.interval.ms',
      null,
      'The number of milliseconds to wait while polling for persisted data during recovery.',
    ),
  )
  .define(
    str(
      'database.history.kafka.recovery.attempts',
      null,
      '1.x name of schema.history.internal.kafka.recovery.attempts.',
    ),
  )
  .define(
    str(
      'schema.history.internal.kafka.recovery.attempts',
      null,
      'The number of attempts in a row that no data are returned from Kafka before recover completes.',
    ),
  )
  .define(
    str(
      'database.history.kafka.query.timeout.ms',
      null,
      '1.x name of schema.history.internal.kafka.query.timeout.ms.',
    ),
  )
  .define(
    str(
      'schema.history.internal.kafka.query.timeout.ms',
      null,
      'The number of milliseconds to wait while fetching cluster information using Kafka admin client.',
    ),
  )
  .define(
    str(
      'database.history.skip.unparseable.ddl',
      null,
      '1.x name of schema.history.internal.skip.unparseable.ddl.',
    ),
  )
  .define(
    str(
      'schema.history.internal.skip.unparseable.ddl',
      null,
      'Controls the action on unparseable DDL (Sluice does not parse DDL; only false is accepted).',
    ),
  )
  .define(
    str(
      'database.history.store.only.captured.tables.ddl',
      null,
      '1.x name of schema.history.internal.store.only.captured.tables.ddl.',
    ),
  )
  .define(
    str(
      'schema.history.internal.store.only.captured.tables.ddl',
      null,
      'Store only the DDL of captured tables in the schema history.',
    ),
  )
  .define(
    str(
      'snapshot.mode',
      'initial',
      'The criteria for running a snapshot upon startup of the connector.',
      ValidString.in(...SNAPSHOT_MODES),
    ),
  )
  .define(
    str(
      'snapshot.locking.mode',
      'minimal',
      'Controls how long the connector holds the global read lock: minimal (only while reading schemas and the binlog position), extended (for the whole snapshot) or none.',
      ValidString.in('minimal', 'extended', 'none'),
    ),
  )
  .define({
    name: 'snapshot.lock.timeout.ms',
    type: 'LONG',
    defaultValue: 10_000,
    importance: 'LOW',
    documentation: 'The maximum number of millis to wait for table locks at the beginning of a snapshot.',
  })
  .define({
    name: 'snapshot.fetch.size',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'The maximum number of records that should be loaded into memory while performing a snapshot (rows are streamed).',
  })
  .define({
    name: 'tombstones.on.delete',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation:
      'Whether delete operations should be represented by a delete event and a subsequent tombstone event (true) or only by a delete event (false).',
  })
  .define({
    name: 'include.schema.changes',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation:
      'Whether the connector should publish changes in the database schema to a Kafka topic with the same name as the database server ID. Each schema change will be recorded using a key that contains the database name and whose value include logical description of the new schema and optionally the DDL statement(s).',
  })
  .define({
    name: 'include.query',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Whether the connector should include the original SQL query that generated the change event (needs binlog_annotate_row_events=ON on MariaDB).',
  })
  .define({
    name: 'heartbeat.interval.ms',
    type: 'INT',
    defaultValue: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Length of an interval in milli-seconds in in which the connector periodically sends heartbeat messages to a heartbeat topic. Use 0 to disable heartbeat messages.',
  })
  .define(str('heartbeat.topics.prefix', null, '1.x name of topic.heartbeat.prefix.'))
  .define(
    str(
      'topic.heartbeat.prefix',
      null,
      'The prefix that is used to name heartbeat topics (default __debezium-heartbeat).',
    ),
  )
  .define(
    str(
      'decimal.handling.mode',
      'precise',
      'Specify how DECIMAL and NUMERIC columns should be represented in change events.',
      ValidString.in('precise', 'double', 'string'),
    ),
  )
  .define(
    str(
      'time.precision.mode',
      'adaptive_time_microseconds',
      'Time, date, and timestamps can be represented with different kinds of precisions.',
      ValidString.in('adaptive_time_microseconds', 'connect'),
    ),
  )
  .define(
    str(
      'bigint.unsigned.handling.mode',
      'long',
      'Specify how BIGINT UNSIGNED columns should be represented in change events.',
      ValidString.in('long', 'precise'),
    ),
  )
  .define(
    str(
      'binary.handling.mode',
      'bytes',
      'Specify how binary (blob, binary, etc.) columns should be represented in change events.',
      ValidString.in('bytes', 'base64', 'base64-url-safe', 'hex'),
    ),
  )
  .define(
    str(
      'skipped.operations',
      't',
      'The comma-separated list of operations to skip during streaming: c (insert), u (update), d (delete), t (truncate), none.',
    ),
  )
  .define({
    name: 'max.batch.size',
    type: 'INT',
    defaultValue: 2048,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'Maximum size of each batch of source records.',
  })
  .define({
    name: 'max.queue.size',
    type: 'INT',
    defaultValue: 8192,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation:
      'Maximum size of the queue for change events read from the database log but not yet recorded or forwarded.',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'LONG',
    defaultValue: 500,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Time to wait for new change events to appear after receiving no events, given in milliseconds.',
  })
  .define({
    name: 'connect.timeout.ms',
    type: 'LONG',
    defaultValue: 30_000,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation:
      'Maximum time to wait after trying to connect to the database before timing out, given in milliseconds.',
  })
  .define(str('topic.delimiter', '.', 'Specify the delimiter for topic name.'))
  .define(
    str(
      'database.ssl.mode',
      'disabled',
      'Whether to use an encrypted connection to the database (only disabled is implemented).',
      ValidString.in('disabled'),
    ),
  )
  .define({
    name: 'provide.transaction.metadata',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Enables transaction metadata extraction together with event counting (not implemented: only false).',
  })

/**
 * Keys the runtime owns (Kafka Connect's connector and worker keys) and passes to every connector: never
 * reported as unknown.
 */
const RUNTIME_KEY =
  /^(name|connector\.class|tasks\.max|key\.converter|value\.converter|header\.converter|transforms|predicates|errors\.|topic\.creation\.|exactly\.once\.support|transaction\.boundary|offsets\.storage\.topic|config\.action\.reload|task\.class)/

/**
 * Key families Debezium's MySQL connector defines. A key in them that {@link MYSQL_CONFIG_DEF} lacks is a
 * Debezium feature Sluice does not implement (e.g. `message.key.columns`, `column.mask.*`, signals,
 * incremental snapshots): refused with the key's name rather than ignored.
 */
const DEBEZIUM_KEY =
  /^(database\.|schema\.history\.|snapshot\.|table\.|column\.|gtid\.|heartbeat\.|topic\.|binlog\.|include\.|incremental\.|signal\.|message\.|skipped\.|provide\.|event\.|inconsistent\.|sanitize\.|converters|custom\.metric|enable\.time\.adjuster|connect\.|query\.fetch\.size|source\.|max\.|poll\.|retriable\.|notification\.|post\.processors|min\.row\.count|read\.only|use\.nongraceful|field\.name\.|schema\.name\.|datatype\.|decimal\.|time\.|bigint\.|binary\.|tombstones\.|driver\.|errors\.max\.retries)/

function setValue(props: ConnectorProps, key: string): string | undefined {
  const v = props[key]
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

/**
 * Cross-key checks on top of the per-key ones: renamed-key conflicts, required keys (under either name),
 * unsupported values and unimplemented Debezium keys. Adds messages to `values` (Connect's validate shape)
 * and returns the messages as `key: message` too.
 */
export function validateMySqlProps(props: ConnectorProps, values: ConfigValue[]): string[] {
  const byName = new Map(values.map((v) => [v.name, v]))
  const out: string[] = []
  const fail = (key: string, message: string): void => {
    out.push(`${key}: ${message}`)
    byName.get(key)?.addErrorMessage(message)
  }
  for (const [oldKey, newKey] of RENAMED_KEYS) {
    const a = setValue(props, oldKey)
    const b = setValue(props, newKey)
    if (a !== undefined && b !== undefined && a !== b)
      fail(
        newKey,
        `conflicts with '${oldKey}' (${a} vs ${b}); set only '${newKey}' (the 1.x name is '${oldKey}')`,
      )
  }
  const either = (oldKey: string, newKey: string): string | undefined =>
    setValue(props, newKey) ?? setValue(props, oldKey)
  for (const key of ['database.hostname', 'database.user']) {
    if (setValue(props, key) === undefined) fail(key, 'A value is required')
  }
  const prefix = either('database.server.name', 'topic.prefix')
  if (prefix === undefined)
    fail('topic.prefix', "A value is required: set 'topic.prefix' (or the 1.x name 'database.server.name')")
  else if (!/^[A-Za-z0-9._-]+$/.test(prefix))
    fail('topic.prefix', `'${prefix}' may contain only alphanumeric characters, '.', '_' and '-'`)
  const history = either('database.history', 'schema.history.internal')
  if (history !== undefined && !KAFKA_HISTORY_CLASSES.includes(history))
    fail(
      'schema.history.internal',
      `'${history}' is not supported by Sluice; use io.debezium.storage.kafka.history.KafkaSchemaHistory (the default)`,
    )
  if (either('database.history.kafka.topic', 'schema.history.internal.kafka.topic') === undefined)
    fail(
      'schema.history.internal.kafka.topic',
      "A value is required: set 'schema.history.internal.kafka.topic' (or 'database.history.kafka.topic')",
    )
  if (
    either('database.history.kafka.bootstrap.servers', 'schema.history.internal.kafka.bootstrap.servers') ===
    undefined
  )
    fail(
      'schema.history.internal.kafka.bootstrap.servers',
      "A value is required: set 'schema.history.internal.kafka.bootstrap.servers' (or 'database.history.kafka.bootstrap.servers')",
    )
  const skipDdl = either(
    'database.history.skip.unparseable.ddl',
    'schema.history.internal.skip.unparseable.ddl',
  )
  if (skipDdl !== undefined && skipDdl !== 'false')
    fail('schema.history.internal.skip.unparseable.ddl', 'only false is implemented by Sluice')
  if (setValue(props, 'provide.transaction.metadata') === 'true')
    fail(
      'provide.transaction.metadata',
      'transaction metadata is not implemented by Sluice; remove the key or set false',
    )
  const tasks = setValue(props, 'tasks.max')
  if (tasks !== undefined && tasks !== '1' && Number(tasks) < 1) fail('tasks.max', 'must be at least 1')
  const skipped = setValue(props, 'skipped.operations')
  if (skipped !== undefined) {
    for (const op of skipped.split(',').map((s) => s.trim())) {
      if (!['c', 'u', 'd', 't', 'none'].includes(op))
        fail('skipped.operations', `'${op}' is not an operation: use c, u, d, t or none`)
    }
  }
  for (const key of Object.keys(props)) {
    if (MYSQL_CONFIG_DEF.configKey(key) !== undefined || RUNTIME_KEY.test(key)) continue
    if (DEBEZIUM_KEY.test(key))
      out.push(`${key}: this Debezium setting is not implemented by Sluice's MySQL connector; remove it`)
  }
  return out
}

/** Compiled comma-separated regex list (Debezium matches each whole name, case-insensitively). */
function patterns(list: string | undefined): RegExp[] | undefined {
  if (list === undefined) return undefined
  return list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => new RegExp(`^(?:${p})$`, 'i'))
}

function matchAny(res: RegExp[], name: string): boolean {
  return res.some((r) => r.test(name))
}

/** The parsed, validated configuration of one connector. */
export class MySqlConfig {
  readonly hostname: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly serverId: number
  readonly topicPrefix: string
  readonly historyTopic: string
  readonly historyBootstrap: string
  readonly snapshotMode: SnapshotMode
  readonly lockingMode: 'minimal' | 'extended' | 'none'
  readonly lockTimeoutMs: number
  readonly tombstonesOnDelete: boolean
  readonly includeSchemaChanges: boolean
  readonly includeQuery: boolean
  readonly heartbeatIntervalMs: number
  readonly heartbeatPrefix: string
  readonly decimalMode: 'precise' | 'double' | 'string'
  readonly timePrecisionMode: 'adaptive_time_microseconds' | 'connect'
  readonly bigintUnsignedMode: 'long' | 'precise'
  readonly binaryMode: 'bytes' | 'base64' | 'base64-url-safe' | 'hex'
  readonly skippedOperations: ReadonlySet<string>
  readonly maxBatchSize: number
  readonly maxQueueSize: number
  readonly pollIntervalMs: number
  readonly connectTimeoutMs: number
  readonly topicDelimiter: string
  readonly #dbInclude: RegExp[] | undefined
  readonly #dbExclude: RegExp[] | undefined
  readonly #tableInclude: RegExp[] | undefined
  readonly #tableExclude: RegExp[] | undefined
  readonly #columnInclude: RegExp[] | undefined
  readonly #columnExclude: RegExp[] | undefined

  /** @throws {@link ConfigError} naming every bad key */
  constructor(props: ConnectorProps) {
    const values = MYSQL_CONFIG_DEF.validate(props)
    const problems = [
      ...values.flatMap((v) => v.errorMessages.map((m) => `${v.name}: ${m}`)),
      ...validateMySqlProps(
        props,
        values.map((v) => v),
      ),
    ]
    if (problems.length > 0)
      throw new ConfigError(`Invalid MySQL connector configuration: ${[...new Set(problems)].join('; ')}`)
    const p = MYSQL_CONFIG_DEF.parse(props)
    const either = (oldKey: string, newKey: string): string | undefined =>
      setValue(props, newKey) ?? setValue(props, oldKey)
    this.hostname = p['database.hostname'] as string
    this.port = p['database.port'] as number
    this.user = p['database.user'] as string
    this.password = (p['database.password'] as Password | null)?.value() ?? ''
    const sid = p['database.server.id'] as number | bigint | null
    this.serverId = sid === null ? 5400 + Math.floor(Math.random() * 1000) : Number(sid)
    this.topicPrefix = either('database.server.name', 'topic.prefix') as string
    this.historyTopic = either(
      'database.history.kafka.topic',
      'schema.history.internal.kafka.topic',
    ) as string
    this.historyBootstrap = either(
      'database.history.kafka.bootstrap.servers',
      'schema.history.internal.kafka.bootstrap.servers',
    ) as string
    const mode = p['snapshot.mode'] as SnapshotMode
    // `schema_only` is 2.x's deprecated name of `no_data`.
    this.snapshotMode = mode === 'schema_only' ? 'no_data' : mode
    this.lockingMode = p['snapshot.locking.mode'] as MySqlConfig['lockingMode']
    this.lockTimeoutMs = Number(p['snapshot.lock.timeout.ms'])
    this.tombstonesOnDelete = p['tombstones.on.delete'] as boolean
    this.includeSchemaChanges = p['include.schema.changes'] as boolean
    this.includeQuery = p['include.query'] as boolean
    this.heartbeatIntervalMs = p['heartbeat.interval.ms'] as number
    this.heartbeatPrefix =
      either('heartbeat.topics.prefix', 'topic.heartbeat.prefix') ?? '__debezium-heartbeat'
    this.decimalMode = p['decimal.handling.mode'] as MySqlConfig['decimalMode']
    this.timePrecisionMode = p['time.precision.mode'] as MySqlConfig['timePrecisionMode']
    this.bigintUnsignedMode = p['bigint.unsigned.handling.mode'] as MySqlConfig['bigintUnsignedMode']
    this.binaryMode = p['binary.handling.mode'] as MySqlConfig['binaryMode']
    const skipped = (p['skipped.operations'] as string)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'none')
    this.skippedOperations = new Set(skipped)
    this.maxBatchSize = p['max.batch.size'] as number
    this.maxQueueSize = p['max.queue.size'] as number
    this.pollIntervalMs = Number(p['poll.interval.ms'])
    this.connectTimeoutMs = Number(p['connect.timeout.ms'])
    this.topicDelimiter = p['topic.delimiter'] as string
    this.#dbInclude = patterns(setValue(props, 'database.include.list'))
    this.#dbExclude = patterns(setValue(props, 'database.exclude.list'))
    this.#tableInclude = patterns(setValue(props, 'table.include.list'))
    this.#tableExclude = patterns(setValue(props, 'table.exclude.list'))
    this.#columnInclude = patterns(setValue(props, 'column.include.list'))
    this.#columnExclude = patterns(setValue(props, 'column.exclude.list'))
  }

  /** Whether changes of database `db` are captured at all (database include/exclude lists). */
  includesDatabase(db: string): boolean {
    if (SYSTEM_DATABASES.has(db.toLowerCase())) return false
    if (this.#dbInclude !== undefined) return matchAny(this.#dbInclude, db)
    if (this.#dbExclude !== undefined) return !matchAny(this.#dbExclude, db)
    return true
  }

  /** Whether table `db.table` is captured (database and table lists). */
  includesTable(db: string, table: string): boolean {
    if (!this.includesDatabase(db)) return false
    const id = `${db}.${table}`
    if (this.#tableInclude !== undefined) return matchAny(this.#tableInclude, id)
    if (this.#tableExclude !== undefined) return !matchAny(this.#tableExclude, id)
    return true
  }

  /** Whether column `db.table.column` appears in events (column lists). */
  includesColumn(db: string, table: string, column: string): boolean {
    const id = `${db}.${table}.${column}`
    if (this.#columnInclude !== undefined) return matchAny(this.#columnInclude, id)
    if (this.#columnExclude !== undefined) return !matchAny(this.#columnExclude, id)
    return true
  }
}

/** Databases Debezium never captures (its built-in system-table filter). */
const SYSTEM_DATABASES = new Set(['mysql', 'sys', 'performance_schema', 'information_schema'])
