import type { ConfigValue, PluginKind, Recommender, Validator } from '@sluice/api'
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  ConfigDef,
  ConfigError,
  invalidConfigValue,
  LambdaValidator,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidString,
} from '@sluice/api'
import { CONNECTOR_RESTART_ATTEMPTS_KEY } from '../supervisor/connector-actor.js'
import type { PluginEntry, PluginRegistry } from '../worker/worker-api.js'
import { javaListToString } from './java-format.js'
import {
  comparePluginEntries,
  entriesOf,
  findInRange,
  findOfKind,
  KIND_INTERFACE,
  latestVersion,
} from './plugin-lookup.js'
import { isVersionedError, VersionRange } from './plugin-versions.js'

/**
 * Kafka Connect's connector-level configuration (`ConnectorConfig`, `SinkConnectorConfig`,
 * `SourceConnectorConfig`, the transform/predicate enrichment of `ConnectorConfig.enrich`): the keys,
 * defaults, groups, orders, widths, display names, docs, validators and recommenders, as data. The
 * `config/validate` endpoint reports exactly these definitions.
 */

// ---- keys ------------------------------------------------------------------------------------

export const NAME_CONFIG = 'name'
export const CONNECTOR_CLASS_CONFIG = 'connector.class'
export const CONNECTOR_VERSION_CONFIG = 'connector.plugin.version'
export const TASKS_MAX_CONFIG = 'tasks.max'
export const TASKS_MAX_ENFORCE_CONFIG = 'tasks.max.enforce'
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter'
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter'
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter'
export const PLUGIN_VERSION_SUFFIX = 'plugin.version'
export const TRANSFORMS_CONFIG = 'transforms'
export const PREDICATES_CONFIG = 'predicates'
export const TOPICS_CONFIG = 'topics'
export const TOPICS_REGEX_CONFIG = 'topics.regex'
export const DLQ_TOPIC_NAME_CONFIG = 'errors.deadletterqueue.topic.name'
/**
 * Sluice extension: this connector's budget of automatic task restarts, overriding the worker key of
 * the same name; `0` never restarts a failed task (Java Kafka Connect's behaviour). Read by the
 * connector actor (supervisor/connector-actor.ts).
 */
export const TASK_RESTART_MAX_ATTEMPTS_CONFIG = CONNECTOR_RESTART_ATTEMPTS_KEY
export const TOPIC_CREATION_PREFIX = 'topic.creation.'
export const CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX = 'producer.override.'
export const CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX = 'consumer.override.'
export const CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX = 'admin.override.'
export const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter'

const COMMON_GROUP = 'Common'
const TRANSFORMS_GROUP = 'Transforms'
const PREDICATES_GROUP = 'Predicates'
const ERROR_GROUP = 'Error Handling'
const TOPIC_CREATION_GROUP = 'Topic Creation'
const EXACTLY_ONCE_SUPPORT_GROUP = 'Exactly Once Support'
const OFFSETS_TOPIC_GROUP = 'offsets.topic'

// ---- docs (Kafka's wording: the REST API reports them) ---------------------------------------

const CONVERTER_DOC = (what: string): string =>
  'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
  ` This controls the format of the ${what} in messages written to or read from Kafka, and since this is` +
  ' independent of connectors it allows any connector to work with any serialization format.' +
  ' Examples of common formats include JSON and Avro.'
/** `key.converter` doc (shared with the worker config). */
export const KEY_CONVERTER_CLASS_DOC = CONVERTER_DOC('keys')
/** `value.converter` doc (shared with the worker config). */
export const VALUE_CONVERTER_CLASS_DOC = CONVERTER_DOC('values')
/** `header.converter` doc (shared with the worker config). */
export const HEADER_CONVERTER_CLASS_DOC =
  'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.' +
  ' This controls the format of the header values in messages written to or read from Kafka, and since this is' +
  ' independent of connectors it allows any connector to work with any serialization format.' +
  ' Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize' +
  ' header values to strings and deserialize them by inferring the schemas.'

const DOCS = {
  name: 'Globally unique name to use for this connector.',
  connectorClass:
    'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. ' +
    'If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name, ' +
    ' or use "FileStreamSink" or "FileStreamSinkConnector" to make the configuration a bit shorter',
  tasksMax: 'Maximum number of tasks to use for this connector.',
  tasksMaxEnforce:
    '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. ' +
    'By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. ' +
    'If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of ' +
    'tasks that exceed the tasks.max property will be allowed to run. ' +
    'This property is deprecated and will be removed in an upcoming major release.',
  transforms: 'Aliases for the transformations to be applied to records.',
  predicates: 'Aliases for the predicates used by transformations.',
  reload:
    "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties. " +
    "A value of 'none' indicates that Connect will do nothing. " +
    "A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties." +
    'The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.',
  retryTimeout:
    'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.',
  retryMaxDelay:
    'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.',
  taskRestartMaxAttempts:
    "Sluice extension. How many times the runtime restarts a failed task of this connector by itself (within the worker's task.restart.window.ms, with capped exponential backoff) before it reports FAILED. Unset: the worker's task.restart.max.attempts (default 5). 0: never, as Java Kafka Connect (a failed task stays FAILED until restarted through REST). Data errors are never restarted.",
  tolerance:
    "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
  logEnable:
    "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
  logIncludeMessages:
    'Whether to include in the log the Connect record that resulted in a failure. ' +
    'For sink records, the topic, partition, offset, and timestamp will be logged. ' +
    'For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. ' +
    "This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
  topics: 'List of topics to consume, separated by commas',
  topicsRegex:
    'Regular expression giving topics to consume. Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be specified.',
  dlqTopic:
    'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.',
  dlqReplication:
    "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
  dlqHeaders:
    'If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with <code>__connect.errors.</code>',
  topicCreationGroups: 'Groups of configurations for topics created by source connectors',
  exactlyOnceSupport:
    'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration. ' +
    'Some connectors may be capable of providing exactly-once semantics but not signal to Connect that they support this; in that case, documentation for the connector should be consulted carefully before creating it, and the value for this property should be set to "requested". ' +
    'Additionally, if the value is set to "required" but the worker that performs preflight validation does not have exactly-once support enabled for source connectors, requests to create or validate the connector will fail.',
  transactionBoundary:
    "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from this connector provides to Connect. " +
    "If set to 'connector', relies on connector-defined transaction boundaries; note that not all connectors are capable of defining their own transaction boundaries, and in that case, attempts to instantiate a connector with this value will fail. " +
    "Finally, if set to 'interval', commits transactions only after a user-defined time interval has passed.",
  transactionInterval:
    "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks. If unset, defaults to the value of the worker-level 'offset.flush.interval.ms' property. It has no effect if a different transaction.boundary is specified.",
  offsetsTopic:
    'The name of a separate offsets topic to use for this connector. If empty or not specified, the worker’s global offsets topic name will be used. ' +
    "If specified, the offsets topic will be created if it does not already exist on the Kafka cluster targeted by this connector (which may be different from the one used for the worker's global offsets topic if the bootstrap.servers property of the connector's producer has been overridden from the worker's). " +
    'Only applicable in distributed mode; in standalone mode, setting this property will have no effect.',
  transformPredicate: 'The alias of a predicate used to determine whether to apply this transformation.',
  transformNegate: 'Whether the configured predicate should be negated.',
} as const

// ---- validators ------------------------------------------------------------------------------

/** Kafka's `PluginVersionValidator`: the value must be a valid version or Maven range. */
const pluginVersionValidator: Validator = LambdaValidator.with((_name, value) => {
  if (value !== null && value !== undefined) VersionRange.requirement(String(value))
})

/** `transforms` / `predicates`: non-null, no alias twice. */
function aliasValidator(kind: string): Validator {
  return CompositeValidator.of(
    new NonNullValidator(),
    LambdaValidator.with(
      (name, value) => {
        const list = value as string[]
        if (list.length > new Set(list).size)
          throw invalidConfigValue(name, value, 'Duplicate alias provided.')
      },
      () => `unique ${kind} aliases`,
    ),
  )
}

/**
 * Java's `Utils.ensureConcreteSubclass` message for a plugin of the wrong kind, e.g. `Class class
 * org.apache.kafka.connect.file.FileStreamSourceConnector does not implement the Converter interface`.
 */
export function notOfKindMessage(entry: PluginEntry, kind: PluginKind): string {
  return `Class class ${entry.className} does not implement the ${KIND_INTERFACE[kind]} interface`
}

/**
 * `ConcreteSubClassValidator` + `InstantiableClassValidator` of the converter keys, over the plugin
 * registry. A class name the registry does not know is reported by {@link resolveClassValues} (in Java it
 * fails parsing, before validators run), so it passes here.
 */
export function pluginClassValidator(plugins: PluginRegistry | undefined, kind: PluginKind): Validator {
  return LambdaValidator.with(
    (name, value) => {
      if (plugins === undefined || typeof value !== 'string') return
      const all = entriesOf(plugins, value)
      if (all.length === 0) return
      const entry = all.find((e) => e.kind === kind)
      if (entry === undefined) throw new ConfigError(notOfKindMessage(all[0] as PluginEntry, kind))
      try {
        entry.definition.create()
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err)
        throw invalidConfigValue(
          name,
          entry.className,
          `Could not instantiate class${msg === '' ? '' : `: ${msg}`}`,
        )
      }
    },
    () =>
      `A concrete subclass of ${kind === 'header_converter' ? 'org.apache.kafka.connect.storage.HeaderConverter' : 'org.apache.kafka.connect.storage.Converter'}, A class with a public, no-argument constructor`,
  )
}

/** `topics.regex`: a valid regular expression (Java's `RegexValidator`). */
const regexValidator: Validator = LambdaValidator.with(
  (name, value) => {
    try {
      new RegExp(String(value ?? ''))
    } catch (err) {
      throw invalidConfigValue(name, value, `Invalid regex: ${(err as Error).message}`)
    }
  },
  () => 'valid regex',
)

// ---- recommenders (Kafka's PluginsRecommenders) ----------------------------------------------

function classesOf(plugins: PluginRegistry | undefined, kind: PluginKind): string[] {
  if (plugins === undefined) return []
  return [...new Set([...plugins.list(kind)].sort(comparePluginEntries).map((e) => e.className))]
}

function versionsOf(
  plugins: PluginRegistry | undefined,
  name: unknown,
  kinds: readonly PluginKind[],
): string[] {
  if (plugins === undefined || typeof name !== 'string') return []
  const entries = entriesOf(plugins, name).filter((e) => kinds.includes(e.kind))
  return [...new Set(entries.sort(comparePluginEntries).map((e) => e.version))]
}

function classParses(plugins: PluginRegistry | undefined, value: unknown): boolean {
  if (value === null || value === undefined) return false
  return plugins === undefined || typeof value !== 'string' || entriesOf(plugins, value).length > 0
}

function classRecommender(plugins: PluginRegistry | undefined, kind: PluginKind): Recommender {
  return { validValues: () => classesOf(plugins, kind), visible: () => true }
}

function versionRecommender(
  plugins: PluginRegistry | undefined,
  classKey: string,
  kinds: readonly PluginKind[],
  visibleWithoutClass: boolean,
): Recommender {
  return {
    validValues: (_name, parsed) => versionsOf(plugins, parsed[classKey], kinds),
    visible: (_name, parsed) =>
      // Java parses the class key by loading the class: an unknown class parses to null.
      visibleWithoutClass || classParses(plugins, parsed[classKey]),
  }
}

// ---- ConnectorConfig -------------------------------------------------------------------------

/** Defaults of a converter key and its version key (Kafka's `ConverterDefaults`). */
export interface ConverterDefaults {
  readonly type: string | null
  readonly version: string | null
}

const NO_CONVERTER_DEFAULTS: ConverterDefaults = { type: null, version: null }

/** What {@link connectorConfigDef} needs beyond the static keys (Kafka's `enrichedConfigDef` inputs). */
export interface ConnectorConfigDefOptions {
  /** Recommenders and class validators use it; omit for the plain definition. */
  readonly plugins?: PluginRegistry | undefined
  /** Default of `connector.plugin.version` (the connector's latest version). */
  readonly connectorVersion?: string | null | undefined
  readonly keyConverter?: ConverterDefaults | undefined
  readonly valueConverter?: ConverterDefaults | undefined
  readonly headerConverter?: ConverterDefaults | undefined
}

/** Kafka's `ConnectorConfig.configDef(...)`: the keys every connector has. */
export function connectorConfigDef(options: ConnectorConfigDefOptions = {}): ConfigDef {
  const plugins = options.plugins
  const key = options.keyConverter ?? NO_CONVERTER_DEFAULTS
  const value = options.valueConverter ?? NO_CONVERTER_DEFAULTS
  const header = options.headerConverter ?? NO_CONVERTER_DEFAULTS
  let order = 0
  let errorOrder = 0
  const atLeastZero = Range.atLeast(0)
  const converterKeys = (
    prefix: 'key' | 'value' | 'header',
    defaults: ConverterDefaults,
    doc: string,
    display: string,
  ): void => {
    const kind: PluginKind = prefix === 'header' ? 'header_converter' : 'converter'
    const classKey = `${prefix}.converter`
    def.define({
      name: classKey,
      type: 'CLASS',
      defaultValue: defaults.type,
      validator: pluginClassValidator(plugins, kind),
      importance: 'LOW',
      documentation: doc,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: `${display} class`,
      recommender: classRecommender(plugins, kind),
    })
    def.define({
      name: `${classKey}.${PLUGIN_VERSION_SUFFIX}`,
      type: 'STRING',
      defaultValue: defaults.version,
      validator: pluginVersionValidator,
      importance: 'LOW',
      documentation: `Version of the ${display.toLowerCase()}.`,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: `${display} version`,
      recommender: versionRecommender(plugins, classKey, [kind], false),
    })
  }

  const def = new ConfigDef()
    .define({
      name: NAME_CONFIG,
      type: 'STRING',
      validator: new NonEmptyStringWithoutControlChars(),
      importance: 'HIGH',
      documentation: DOCS.name,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Connector name',
    })
    .define({
      name: CONNECTOR_CLASS_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation: DOCS.connectorClass,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Connector class',
    })
    .define({
      name: CONNECTOR_VERSION_CONFIG,
      type: 'STRING',
      defaultValue: options.connectorVersion ?? null,
      validator: pluginVersionValidator,
      importance: 'MEDIUM',
      documentation: 'Version of the connector.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Connector version',
      recommender: {
        validValues: (_n, parsed) => versionsOf(plugins, parsed[CONNECTOR_CLASS_CONFIG], ['source', 'sink']),
        visible: (_n, parsed) =>
          parsed[CONNECTOR_CLASS_CONFIG] !== null && parsed[CONNECTOR_CLASS_CONFIG] !== undefined,
      },
    })
    .define({
      name: TASKS_MAX_CONFIG,
      type: 'INT',
      defaultValue: 1,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: DOCS.tasksMax,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Tasks max',
    })
    .define({
      name: TASKS_MAX_ENFORCE_CONFIG,
      type: 'BOOLEAN',
      defaultValue: true,
      importance: 'LOW',
      documentation: DOCS.tasksMaxEnforce,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Enforce tasks max',
    })
  converterKeys('key', key, KEY_CONVERTER_CLASS_DOC, 'Key converter')
  converterKeys('value', value, VALUE_CONVERTER_CLASS_DOC, 'Value converter')
  converterKeys('header', header, HEADER_CONVERTER_CLASS_DOC, 'Header converter')
  return def
    .define({
      name: TRANSFORMS_CONFIG,
      type: 'LIST',
      defaultValue: [],
      validator: aliasValidator('transformation'),
      importance: 'LOW',
      documentation: DOCS.transforms,
      group: TRANSFORMS_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Transforms',
    })
    .define({
      name: PREDICATES_CONFIG,
      type: 'LIST',
      defaultValue: [],
      validator: aliasValidator('predicate'),
      importance: 'LOW',
      documentation: DOCS.predicates,
      group: PREDICATES_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Predicates',
    })
    .define({
      name: 'config.action.reload',
      type: 'STRING',
      defaultValue: 'restart',
      validator: ValidString.in('none', 'restart'),
      importance: 'LOW',
      documentation: DOCS.reload,
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Reload Action',
    })
    .define({
      name: 'errors.retry.timeout',
      type: 'LONG',
      defaultValue: 0,
      importance: 'MEDIUM',
      documentation: DOCS.retryTimeout,
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: 'errors.retry.delay.max.ms',
      type: 'LONG',
      defaultValue: 60000,
      importance: 'MEDIUM',
      documentation: DOCS.retryMaxDelay,
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: 'errors.tolerance',
      type: 'STRING',
      defaultValue: 'none',
      validator: ValidString.in('none', 'all'),
      importance: 'MEDIUM',
      documentation: DOCS.tolerance,
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Error Tolerance',
    })
    .define({
      name: 'errors.log.enable',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation: DOCS.logEnable,
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Errors',
    })
    .define({
      name: 'errors.log.include.messages',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation: DOCS.logIncludeMessages,
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Error Details',
    })
    .define({
      name: TASK_RESTART_MAX_ATTEMPTS_CONFIG,
      type: 'INT',
      defaultValue: null,
      validator: LambdaValidator.with(
        (name, value) => {
          if (value !== null && value !== undefined) atLeastZero.ensureValid(name, value)
        },
        () => atLeastZero.toString(),
      ),
      importance: 'LOW',
      documentation: DOCS.taskRestartMaxAttempts,
      group: ERROR_GROUP,
      // After the sink's DLQ keys (6–8): Kafka's keys keep their places.
      orderInGroup: 9,
      width: 'SHORT',
      displayName: 'Task Restart Attempts (Sluice)',
    })
}

/** Kafka's `SinkConnectorConfig.configDef`: the connector keys plus the subscription and DLQ keys. */
export function sinkConnectorConfigDef(options: ConnectorConfigDefOptions = {}): ConfigDef {
  return connectorConfigDef(options)
    .define({
      name: TOPICS_CONFIG,
      type: 'LIST',
      defaultValue: '',
      importance: 'HIGH',
      documentation: DOCS.topics,
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics',
    })
    .define({
      name: TOPICS_REGEX_CONFIG,
      type: 'STRING',
      defaultValue: '',
      validator: regexValidator,
      importance: 'HIGH',
      documentation: DOCS.topicsRegex,
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics regex',
    })
    .define({
      name: DLQ_TOPIC_NAME_CONFIG,
      type: 'STRING',
      defaultValue: '',
      importance: 'MEDIUM',
      documentation: DOCS.dlqTopic,
      group: ERROR_GROUP,
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: 'errors.deadletterqueue.topic.replication.factor',
      type: 'SHORT',
      defaultValue: 3,
      importance: 'MEDIUM',
      documentation: DOCS.dlqReplication,
      group: ERROR_GROUP,
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: 'errors.deadletterqueue.context.headers.enable',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'MEDIUM',
      documentation: DOCS.dlqHeaders,
      group: ERROR_GROUP,
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    })
}

/** Kafka's `SourceConnectorConfig.configDef`: the connector keys plus topic creation groups and EOS keys. */
export function sourceConnectorConfigDef(options: ConnectorConfigDefOptions = {}): ConfigDef {
  const atLeastZero = Range.atLeast(0)
  return connectorConfigDef(options)
    .define({
      name: `${TOPIC_CREATION_PREFIX}groups`,
      type: 'LIST',
      defaultValue: [],
      validator: CompositeValidator.of(
        new NonNullValidator(),
        LambdaValidator.with(
          (name, value) => {
            const list = value as string[]
            if (list.length > new Set(list).size)
              throw invalidConfigValue(name, value, 'Duplicate alias provided.')
          },
          () => 'unique topic creation groups',
        ),
      ),
      importance: 'LOW',
      documentation: DOCS.topicCreationGroups,
      group: TOPIC_CREATION_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'Topic Creation Groups',
    })
    .define({
      name: 'exactly.once.support',
      type: 'STRING',
      defaultValue: 'requested',
      validator: CaseInsensitiveValidString.in('requested', 'required'),
      importance: 'MEDIUM',
      documentation: DOCS.exactlyOnceSupport,
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Exactly once support',
    })
    .define({
      name: 'transaction.boundary',
      type: 'STRING',
      defaultValue: 'poll',
      validator: CaseInsensitiveValidString.in('poll', 'interval', 'connector'),
      importance: 'MEDIUM',
      documentation: DOCS.transactionBoundary,
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Transaction Boundary',
    })
    .define({
      name: 'transaction.boundary.interval.ms',
      type: 'LONG',
      defaultValue: null,
      validator: LambdaValidator.with(
        (name, value) => {
          if (value !== null && value !== undefined) atLeastZero.ensureValid(name, value)
        },
        () => atLeastZero.toString(),
      ),
      importance: 'LOW',
      documentation: DOCS.transactionInterval,
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 4,
      width: 'SHORT',
      displayName: 'Transaction boundary interval',
    })
    .define({
      name: 'offsets.storage.topic',
      type: 'STRING',
      defaultValue: null,
      validator: new NonEmptyString(),
      importance: 'LOW',
      documentation: DOCS.offsetsTopic,
      group: OFFSETS_TOPIC_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'Offsets topic',
    })
}

// ---- enrichment: transforms and predicates ---------------------------------------------------

interface EnrichablePlugin {
  /** `Transformation` or `Predicate` (docs and display names). */
  readonly kindName: 'Transformation' | 'Predicate'
  readonly kind: 'transformation' | 'predicate'
  readonly aliasConfig: string
  readonly group: string
  /** Keys every alias gets before the plugin's own (transforms: `predicate`, `negate`). */
  readonly initialDef: () => ConfigDef
  /** Extra checks run by the `.type` validator. */
  readonly validateProps: (prefix: string) => void
}

function pluginConfigDefOf(entry: PluginEntry): ConfigDef | null {
  const instance = entry.definition.create() as { config?: () => ConfigDef | null | undefined }
  const def = instance.config?.()
  return def ?? null
}

/**
 * The config def of the `.type` plugin of an alias (Kafka's `EnrichablePlugin.getConfigDefFromPlugin`).
 * @throws {@link ConfigError} for a class of the wrong kind, a version mismatch or a plugin that fails
 */
function configDefFromPlugin(
  plugins: PluginRegistry,
  props: Readonly<Record<string, string | null>>,
  p: EnrichablePlugin,
  pluginClass: string | null | undefined,
  version: string | null | undefined,
): ConfigDef {
  if (pluginClass === null || pluginClass === undefined || props[CONNECTOR_CLASS_CONFIG] == null) {
    return new ConfigDef()
  }
  const range = VersionRange.requirement(version)
  const all = entriesOf(plugins, pluginClass)
  if (all.length === 0) {
    throw invalidConfigValue(p.aliasConfig, pluginClass, `Class ${pluginClass} could not be found.`)
  }
  if (!all.some((e) => e.kind === p.kind))
    throw new ConfigError(notOfKindMessage(all[0] as PluginEntry, p.kind))
  const entry = findInRange(plugins, pluginClass, [p.kind], range) as PluginEntry
  let def: ConfigDef | null
  try {
    def = pluginConfigDefOf(entry)
  } catch (err) {
    throw invalidConfigValue(
      p.aliasConfig,
      pluginClass,
      `Error getting config definition from ${p.kindName}: ${(err as Error).message}`,
    )
  }
  if (def === null)
    throw new ConfigError(`${entry.className}.config() must return a ConfigDef that is not null.`)
  return def
}

function enrichAliases(
  plugins: PluginRegistry,
  newDef: ConfigDef,
  props: Readonly<Record<string, string | null>>,
  p: EnrichablePlugin,
  requireFullConfig: boolean,
): void {
  const raw = props[p.aliasConfig]
  if (raw === null || raw === undefined) return
  const trimmed = raw.trim()
  const aliases = [...new Set(trimmed === '' ? [] : trimmed.split(/\s*,\s*/))]
  for (const alias of aliases) {
    const prefix = `${p.aliasConfig}.${alias}.`
    const group = `${p.group}: ${alias}`
    const typeConfig = `${prefix}type`
    const versionConfig = `${prefix}${PLUGIN_VERSION_SUFFIX}`
    const typeName = props[typeConfig]
    const defaultVersion =
      typeName == null || props[CONNECTOR_CLASS_CONFIG] == null
        ? null
        : (findOfKind(plugins, typeName, [p.kind])?.version ?? null)
    let order = 0
    newDef.define({
      name: typeConfig,
      type: 'CLASS',
      validator: LambdaValidator.with(
        (_name, value) => {
          p.validateProps(prefix)
          // A class that cannot be found was already reported as a parse error.
          if (typeof value === 'string' && entriesOf(plugins, value).length > 0) {
            configDefFromPlugin(plugins, props, p, value, props[versionConfig] ?? defaultVersion)
          }
        },
        () => `valid configs for ${alias} ${p.kindName.toLowerCase()}`,
      ),
      importance: 'HIGH',
      documentation: `Class for the '${alias}' ${p.kindName.toLowerCase()}.`,
      group,
      orderInGroup: order++,
      width: 'LONG',
      displayName: `${p.kindName} type for ${alias}`,
      recommender: classRecommender(plugins, p.kind),
    })
    newDef.define({
      name: versionConfig,
      type: 'STRING',
      defaultValue: defaultVersion,
      validator: LambdaValidator.with((_name, value) => {
        if (value === null || value === undefined) return
        try {
          configDefFromPlugin(plugins, props, p, props[typeConfig], String(value))
        } catch (err) {
          // Only version problems belong to this key; the rest is reported on `.type`.
          if (isVersionedError(err)) throw err
        }
      }),
      importance: 'HIGH',
      documentation: `Version of the '${alias}' ${p.kindName.toLowerCase()}.`,
      group,
      orderInGroup: order++,
      width: 'LONG',
      displayName: `${p.kindName} version for ${alias}`,
      recommender: versionRecommender(plugins, typeConfig, [p.kind], true),
    })
    const child = p.initialDef()
    try {
      if (typeName === null || typeName === undefined)
        throw new ConfigError(`Invalid value null for configuration ${typeConfig}: Not a ${p.kindName}`)
      const pluginDef = configDefFromPlugin(plugins, props, p, typeName, props[versionConfig])
      for (const key of pluginDef.configKeys().values()) {
        // The implicit keys mask any of the plugin's own with the same name.
        if (child.configKey(key.name) === undefined) child.defineKey(key)
      }
    } catch (err) {
      if (requireFullConfig) throw err
      continue
    }
    newDef.embed(prefix, group, order, child)
  }
}

/**
 * Kafka's `ConnectorConfig.enrich`: adds, for every alias in `transforms` and `predicates`, its `.type`
 * (required class, checked against the plugins), `.plugin.version`, and the plugin's own keys embedded
 * under `transforms.<alias>.` in group `Transforms: <alias>` (transforms also get `predicate` and `negate`).
 *
 * @param requireFullConfig when false (validation), aliases whose plugin cannot be loaded only get
 *   `.type` and `.plugin.version`, whose validators report the problem
 */
export function enrichConnectorConfigDef(
  plugins: PluginRegistry,
  base: ConfigDef,
  props: Readonly<Record<string, string | null>>,
  requireFullConfig: boolean,
): ConfigDef {
  const newDef = new ConfigDef(base)
  enrichAliases(
    plugins,
    newDef,
    props,
    {
      kindName: 'Transformation',
      kind: 'transformation',
      aliasConfig: TRANSFORMS_CONFIG,
      group: TRANSFORMS_GROUP,
      initialDef: () =>
        new ConfigDef()
          .define({
            name: 'predicate',
            type: 'STRING',
            defaultValue: null,
            importance: 'MEDIUM',
            documentation: DOCS.transformPredicate,
          })
          .define({
            name: 'negate',
            type: 'BOOLEAN',
            defaultValue: false,
            importance: 'MEDIUM',
            documentation: DOCS.transformNegate,
          }),
      validateProps: (prefix) => {
        const negate = `${prefix}negate`
        const predicate = `${prefix}predicate`
        if (Object.hasOwn(props, negate) && !Object.hasOwn(props, predicate)) {
          throw new ConfigError(
            `Config '${negate}' was provided but there is no config '${predicate}' defining a predicate to be negated.`,
          )
        }
      },
    },
    requireFullConfig,
  )
  enrichAliases(
    plugins,
    newDef,
    props,
    {
      kindName: 'Predicate',
      kind: 'predicate',
      aliasConfig: PREDICATES_CONFIG,
      group: PREDICATES_GROUP,
      initialDef: () => new ConfigDef(),
      validateProps: () => {},
    },
    requireFullConfig,
  )
  return newDef
}

// ---- sink checks -----------------------------------------------------------------------------

const isBlank = (s: string | null | undefined): boolean => s === null || s === undefined || s.trim() === ''

/** `topics` as Kafka's `SinkConnectorConfig.parseTopicsList` reads it: trimmed, non-empty, distinct. */
export function parseTopicsList(props: Readonly<Record<string, string | null>>): string[] {
  const raw = props[TOPICS_CONFIG]
  if (raw === null || raw === undefined) return []
  const trimmed = raw.trim()
  if (trimmed === '') return []
  return [...new Set(trimmed.split(/\s*,\s*/).filter((t) => t !== ''))]
}

/** Java's `Matcher.matches()`: the whole input must match. */
function fullMatch(regex: string, input: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(input)
  } catch {
    // An invalid regex is reported by the topics.regex validator.
    return false
  }
}

/**
 * Kafka's `SinkConnectorConfig.validate(props, validatedConfig)`: exactly one of `topics` and
 * `topics.regex`, and a DLQ topic that the connector does not consume. Errors are added to `values`
 * (created when missing).
 */
export function validateSinkConnectorProps(
  props: Readonly<Record<string, string | null>>,
  values: Map<string, ConfigValue>,
  newValue: (name: string, value: unknown) => ConfigValue,
): void {
  const topicsList = props[TOPICS_CONFIG]
  const topicsRegex = props[TOPICS_REGEX_CONFIG]
  const dlqTopic = (props[DLQ_TOPIC_NAME_CONFIG] ?? '').trim()
  const hasTopics = !isBlank(topicsList)
  const hasRegex = !isBlank(topicsRegex)
  const add = (name: string, value: unknown, message: string): void => {
    let v = values.get(name)
    if (v === undefined) {
      v = newValue(name, value)
      values.set(name, v)
    }
    v.addErrorMessage(message)
  }
  if (hasTopics && hasRegex) {
    const msg = `${TOPICS_CONFIG} and ${TOPICS_REGEX_CONFIG} are mutually exclusive options, but both are set.`
    add(TOPICS_CONFIG, topicsList, msg)
    add(TOPICS_REGEX_CONFIG, topicsRegex, msg)
  }
  if (!hasTopics && !hasRegex) {
    const msg = `Must configure one of ${TOPICS_CONFIG} or ${TOPICS_REGEX_CONFIG}`
    add(TOPICS_CONFIG, topicsList, msg)
    add(TOPICS_REGEX_CONFIG, topicsRegex, msg)
  }
  if (dlqTopic !== '') {
    if (hasTopics) {
      const topics = parseTopicsList(props)
      if (topics.includes(dlqTopic)) {
        add(
          TOPICS_CONFIG,
          topicsList,
          `The DLQ topic '${dlqTopic}' may not be included in the list of topics ('${TOPICS_CONFIG}=${javaListToString(topics)}') consumed by the connector`,
        )
      }
    }
    if (hasRegex && fullMatch(topicsRegex as string, dlqTopic)) {
      add(
        TOPICS_REGEX_CONFIG,
        topicsRegex,
        `The DLQ topic '${dlqTopic}' may not be matched by the regex for the topics ('${TOPICS_REGEX_CONFIG}=${topicsRegex}') consumed by the connector`,
      )
    }
  }
}

/** Kafka's `SinkConnectorConfig.hasDlqTopicConfig`. */
export function hasDlqTopicConfig(props: Readonly<Record<string, string | null>>): boolean {
  return !isBlank(props[DLQ_TOPIC_NAME_CONFIG])
}

/** Kafka's `SourceConnectorConfig.usesTopicCreation`: any `topic.creation.*` key. */
export function usesTopicCreation(props: Readonly<Record<string, string | null>>): boolean {
  return Object.keys(props).some((k) => k.startsWith(TOPIC_CREATION_PREFIX))
}

// ---- class values: Java parses CLASS values by loading the class ----------------------------

/**
 * Finishes validation of the plugin-class keys the way Java's CLASS parsing does: an unknown class is
 * the parse error `Invalid value X for configuration k: Class X could not be found.` (first, value `null`);
 * a known one is reported by its full class name, as `Class.getName()` prints it.
 */
export function resolveClassValues(
  plugins: PluginRegistry,
  def: ConfigDef,
  values: ReadonlyMap<string, ConfigValue>,
): void {
  for (const [name, key] of def.configKeys()) {
    if (key.type !== 'CLASS') continue
    const v = values.get(name)
    if (v === undefined || typeof v.value !== 'string') continue
    const all = entriesOf(plugins, v.value)
    if (all.length === 0) {
      v.errorMessages.unshift(
        `Invalid value ${v.value} for configuration ${name}: Class ${v.value} could not be found.`,
      )
      v.value = null
    } else {
      v.value = (all[0] as PluginEntry).className
    }
  }
}

/** Kafka's `converterDefaults`: the worker's converter as default, with the version that would be used. */
export function converterDefaults(
  plugins: PluginRegistry,
  role: 'key' | 'value' | 'header',
  connectorProps: Readonly<Record<string, string | null>>,
  workerProps: Readonly<Record<string, string>>,
): ConverterDefaults {
  const classKey = `${role}.converter`
  const kind: PluginKind = role === 'header' ? 'header_converter' : 'converter'
  const connectorConverter = connectorProps[classKey]
  let workerConverter: string | null | undefined = workerProps[classKey]
  // The worker's header.converter has a default; the others are required worker keys.
  if (role === 'header') workerConverter = workerConverter ?? SIMPLE_HEADER_CONVERTER
  if (
    connectorProps[CONNECTOR_CLASS_CONFIG] == null ||
    (connectorConverter == null && workerConverter == null)
  ) {
    return NO_CONVERTER_DEFAULTS
  }
  const type =
    workerConverter == null
      ? null
      : (findOfKind(plugins, workerConverter, [kind])?.className ?? workerConverter.trim())
  let version: string | null
  if (connectorConverter != null) version = latestVersion(plugins, connectorConverter, [kind])
  else
    version =
      workerProps[`${classKey}.${PLUGIN_VERSION_SUFFIX}`] ?? latestVersion(plugins, workerConverter, [kind])
  return { type, version }
}
