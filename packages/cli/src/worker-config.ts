import type { ConfigType, ParsedConfig, PluginKind } from '@sluice/api'
import {
  CaseInsensitiveValidString,
  ConfigDef,
  ConfigError,
  LambdaValidator,
  Range,
  ValidString,
} from '@sluice/api'
import { REST_CONFIG_DEF } from '@sluice/rest'
import {
  HEADER_CONVERTER_CLASS_DOC,
  isUsedConfigProviderKey,
  javaHashOrder,
  KEY_CONVERTER_CLASS_DOC,
  overridePolicy,
  type PluginRegistry,
  SIMPLE_HEADER_CONVERTER,
  VALUE_CONVERTER_CLASS_DOC,
} from '@sluice/runtime'
import { CliError } from './cli-error.js'

/**
 * The worker configuration of `connect-standalone` (Kafka's `WorkerConfig` + `RestServerConfig` +
 * `StandaloneConfig`) as data, and its validation with errors that name the file, the key and the fix.
 * Keys that are not defined here (`producer.*`, `consumer.*`, `admin.*`, `ssl.*`, converter settings such as
 * `key.converter.schemas.enable`, …) pass through to the worker unchanged, as in Kafka Connect.
 */

export const OFFSET_STORAGE_FILE_FILENAME_CONFIG = 'offset.storage.file.filename'

const policyValidator = LambdaValidator.with(
  (name, value) => {
    if (overridePolicy(String(value)) === undefined) {
      throw new ConfigError(
        `Invalid value ${String(value)} for configuration ${name}: Sluice supports the policies All, None and Principal`,
      )
    }
  },
  () => '[All, None, Principal]',
)

/** Kafka's `WorkerConfig.baseConfigDef()` keys (without the REST keys, which `@sluice/rest` defines). */
export const WORKER_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: 'bootstrap.servers',
    type: 'LIST',
    defaultValue: 'localhost:9092',
    importance: 'HIGH',
    documentation:
      'A list of host/port pairs used to establish the initial connection to the Kafka cluster. This list must be in the form <code>host1:port1,host2:port2,...</code>.',
  })
  .define({
    name: 'client.dns.lookup',
    type: 'STRING',
    defaultValue: 'use_all_dns_ips',
    validator: ValidString.in('use_all_dns_ips', 'resolve_canonical_bootstrap_servers_only'),
    importance: 'MEDIUM',
    documentation: 'Controls how the client uses DNS lookups.',
  })
  .define({
    name: 'key.converter',
    type: 'CLASS',
    importance: 'HIGH',
    documentation: KEY_CONVERTER_CLASS_DOC,
  })
  .define({
    name: 'key.converter.plugin.version',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Version of the key converter.',
  })
  .define({
    name: 'value.converter',
    type: 'CLASS',
    importance: 'HIGH',
    documentation: VALUE_CONVERTER_CLASS_DOC,
  })
  .define({
    name: 'value.converter.plugin.version',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Version of the value converter.',
  })
  .define({
    name: 'task.shutdown.graceful.timeout.ms',
    type: 'LONG',
    defaultValue: 5000,
    importance: 'LOW',
    documentation:
      'Amount of time to wait for tasks to shutdown gracefully. This is the total amount of time, not per task. All task have shutdown triggered, then they are waited on sequentially.',
  })
  .define({
    name: 'offset.flush.interval.ms',
    type: 'LONG',
    defaultValue: 60000,
    importance: 'LOW',
    documentation: 'Interval at which to try committing offsets for tasks.',
  })
  .define({
    name: 'offset.flush.timeout.ms',
    type: 'LONG',
    defaultValue: 5000,
    importance: 'LOW',
    documentation:
      'Maximum number of milliseconds to wait for records to flush and partition offset data to be committed to offset storage before cancelling the process and restoring the offset data to be committed in a future attempt.',
  })
  .define({
    name: 'plugin.path',
    type: 'LIST',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'List of paths separated by commas (,) that contain plugins: directories of Sluice plugin packages, or directories whose child directories are such packages (see docs/plugins.md).',
  })
  .define({
    name: 'plugin.discovery',
    type: 'STRING',
    defaultValue: 'hybrid_warn',
    validator: CaseInsensitiveValidString.in('only_scan', 'hybrid_warn', 'hybrid_fail', 'service_load'),
    importance: 'LOW',
    documentation:
      'Method to use to discover plugins present in the classpath and plugin.path configuration.',
  })
  .define({
    name: 'metrics.sample.window.ms',
    type: 'LONG',
    defaultValue: 30000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'The window of time a metrics sample is computed over.',
  })
  .define({
    name: 'metrics.num.samples',
    type: 'INT',
    defaultValue: 2,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'The number of samples maintained to compute metrics.',
  })
  .define({
    name: 'metrics.recording.level',
    type: 'STRING',
    defaultValue: 'INFO',
    validator: ValidString.in('INFO', 'DEBUG'),
    importance: 'LOW',
    documentation: 'The highest recording level for metrics.',
  })
  .define({
    name: 'metric.reporters',
    type: 'LIST',
    defaultValue: 'org.apache.kafka.common.metrics.JmxReporter',
    importance: 'LOW',
    documentation: 'A list of classes to use as metrics reporters.',
  })
  .define({
    name: 'header.converter',
    type: 'CLASS',
    defaultValue: SIMPLE_HEADER_CONVERTER,
    importance: 'LOW',
    documentation: HEADER_CONVERTER_CLASS_DOC,
  })
  .define({
    name: 'header.converter.plugin.version',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Version of the header converter.',
  })
  .define({
    name: 'config.providers',
    type: 'LIST',
    defaultValue: [],
    importance: 'LOW',
    documentation:
      'Comma-separated names of <code>ConfigProvider</code> classes, loaded and used in the order specified.',
  })
  .define({
    // Kafka's lookupKafkaClusterId builds an admin client from the worker keys, so this admin key bounds
    // how long a worker keeps trying to reach the cluster at start before it exits.
    name: 'default.api.timeout.ms',
    type: 'INT',
    defaultValue: 60000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      "How long the worker tries to reach the Kafka cluster (bootstrap.servers) at start before it fails with a non-zero exit (the admin client timeout of Kafka Connect's cluster id lookup).",
  })
  .define({
    name: 'connector.client.config.override.policy',
    type: 'STRING',
    defaultValue: 'All',
    validator: policyValidator,
    importance: 'MEDIUM',
    documentation:
      'Class name or alias of implementation of <code>ConnectorClientConfigOverridePolicy</code>. Defines what client configurations can be overridden by the connector.',
  })
  .define({
    name: 'topic.creation.enable',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation:
      'Whether to allow automatic creation of topics used by source connectors, when source connectors are configured with `topic.creation.` properties.',
  })
  // Sluice's own task runtime keys (docs/adr/0003): types are checked here, defaults live in the worker.
  .define({
    name: 'task.pool.threads',
    type: 'INT',
    defaultValue: null,
    validator: nullOr(Range.atLeast(1)),
    importance: 'LOW',
    documentation: 'Threads of the task pool (default: the available cores).',
  })
  .define({
    name: 'task.pool.actors.per.thread',
    type: 'INT',
    defaultValue: null,
    validator: nullOr(Range.atLeast(1)),
    importance: 'LOW',
    documentation: 'Task actors sharing one pool thread (default 256).',
  })
  .define({
    name: 'task.max.inflight.batches',
    type: 'INT',
    defaultValue: null,
    validator: nullOr(Range.atLeast(1)),
    importance: 'LOW',
    documentation: 'Unacknowledged batches a task may have in flight (default 4).',
  })
  .define({
    name: 'task.restart.backoff.initial.ms',
    type: 'LONG',
    defaultValue: null,
    validator: nullOr(Range.atLeast(0)),
    importance: 'LOW',
    documentation: 'First delay before a failed task is restarted.',
  })
  .define({
    name: 'task.restart.backoff.max.ms',
    type: 'LONG',
    defaultValue: null,
    validator: nullOr(Range.atLeast(0)),
    importance: 'LOW',
    documentation: 'Longest delay before a failed task is restarted.',
  })
  .define({
    name: 'task.restart.max.attempts',
    type: 'INT',
    defaultValue: null,
    validator: nullOr(Range.atLeast(0)),
    importance: 'LOW',
    documentation: 'Restarts within task.restart.window.ms after which a task stays FAILED.',
  })
  .define({
    name: 'task.restart.window.ms',
    type: 'LONG',
    defaultValue: null,
    validator: nullOr(Range.atLeast(0)),
    importance: 'LOW',
    documentation: 'Window over which task restarts are counted.',
  })

function nullOr(v: Range): LambdaValidator {
  return LambdaValidator.with(
    (name, value) => {
      if (value !== null && value !== undefined) v.ensureValid(name, value)
    },
    () => v.toString(),
  )
}

/** Kafka's `StandaloneConfig`: the worker keys, the REST keys and the offsets file. */
export const STANDALONE_CONFIG_DEF: ConfigDef = new ConfigDef(WORKER_CONFIG_DEF)
  .merge(REST_CONFIG_DEF, 'keep')
  .define({
    name: OFFSET_STORAGE_FILE_FILENAME_CONFIG,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'File to store source connector offsets',
  })

/** A validated standalone worker configuration. */
export interface StandaloneWorkerConfig {
  /** The file it came from (for messages). */
  readonly file: string
  /** The properties as written: the worker, the REST server and the converters read these. */
  readonly props: Readonly<Record<string, string>>
  /** Parsed values of the defined keys. */
  readonly values: Readonly<ParsedConfig>
}

const EXAMPLES: Readonly<Record<string, string>> = {
  'key.converter': 'key.converter=org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'value.converter=org.apache.kafka.connect.json.JsonConverter',
  [OFFSET_STORAGE_FILE_FILENAME_CONFIG]: `${OFFSET_STORAGE_FILE_FILENAME_CONFIG}=/tmp/connect.offsets`,
  'bootstrap.servers': 'bootstrap.servers=localhost:9092',
  listeners: 'listeners=http://:8083',
}

const TYPE_HINTS: Readonly<Record<ConfigType, string>> = {
  BOOLEAN: 'true or false',
  STRING: 'a text value',
  INT: 'a whole number',
  SHORT: 'a whole number',
  LONG: 'a whole number (milliseconds for *.ms keys)',
  DOUBLE: 'a number',
  LIST: 'a comma-separated list',
  CLASS: 'a class name or alias',
  PASSWORD: 'a text value',
}

/** How to fix one failing key, from its message. */
function fixFor(def: ConfigDef, key: string, message: string, file: string): string {
  const example = EXAMPLES[key]
  if (message.startsWith('Missing required configuration')) {
    return `add a line to ${file}${example === undefined ? ` setting ${key}` : `, e.g. ${example}`}`
  }
  const k = def.configKey(key)
  if (/Not a number|Expected value to be/.test(message) && k !== undefined) {
    return `set ${key} to ${TYPE_HINTS[k.type]}${example === undefined ? '' : `, e.g. ${example}`}`
  }
  if (k?.validator !== undefined && k.validator.toString() !== '') {
    return `set ${key} to a valid value: ${k.validator.toString()}`
  }
  return `correct ${key} in ${file}`
}

/** Formats validation errors: one line per message with its key, then the fix. */
export function formatConfigErrors(
  heading: string,
  errors: Readonly<Record<string, readonly string[]>>,
  fix: (key: string, message: string) => string,
): string {
  const lines: string[] = []
  let count = 0
  for (const [key, messages] of Object.entries(errors)) {
    for (const m of messages) {
      count++
      lines.push(`  - ${key}: ${m}`, `    fix: ${fix(key, m)}`)
    }
  }
  return `${heading} (${count} error${count === 1 ? '' : 's'}):\n${lines.join('\n')}`
}

/**
 * Worker keys read by prefix, passed on to what they configure (Kafka's `originalsWithPrefix`): the
 * worker's producers and consumers and its converters.
 */
const USED_PREFIXES = ['producer.', 'consumer.', 'key.converter.', 'value.converter.', 'header.converter.']

/**
 * Kafka's `AbstractConfig.unused()` for the worker properties: keys neither defined by the worker config
 * nor read by prefix (`producer.*`, converter settings, the listed `config.providers.<name>.*`), in the
 * order of Java's `HashSet`, which is how Kafka prints them.
 */
export function unusedWorkerKeys(props: Readonly<Record<string, string>>): string[] {
  const defined = new Set(STANDALONE_CONFIG_DEF.names())
  // `new HashSet<>(originals.keySet())` minus the used keys: the order of a set sized for every key.
  return javaHashOrder(Object.keys(props)).filter(
    (k) =>
      !defined.has(k) && !USED_PREFIXES.some((p) => k.startsWith(p)) && !isUsedConfigProviderKey(props, k),
  )
}

/** Kafka's `logUnused` line, or `undefined` when every key is used. */
export function unusedWorkerKeysMessage(props: Readonly<Record<string, string>>): string | undefined {
  const unused = unusedWorkerKeys(props)
  return unused.length === 0
    ? undefined
    : `These configurations '[${unused.join(', ')}]' were supplied but are not used yet.`
}

/** Kafka's messages per failing key, and how to fix each. */
export interface WorkerConfigProblems {
  readonly errors: Record<string, string[]>
  readonly fixes: Record<string, string>
}

/** Parses the defined keys, collecting every failing key (nothing is thrown). */
function parseCollecting(
  file: string,
  props: Readonly<Record<string, string>>,
  problems: WorkerConfigProblems,
): ParsedConfig | undefined {
  try {
    return STANDALONE_CONFIG_DEF.parse(props)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const errors = Object.keys(err.errors).length > 0 ? err.errors : { '(worker config)': [err.message] }
    for (const [k, msgs] of Object.entries(errors)) {
      problems.errors[k] = [...(problems.errors[k] ?? []), ...msgs]
      problems.fixes[k] = fixFor(STANDALONE_CONFIG_DEF, k, msgs[0] ?? '', file)
    }
    return undefined
  }
}

/**
 * The worker's converter classes checked against the installed plugins, as Kafka does when it loads the
 * classes: `Class X could not be found.`, or a class of another kind.
 */
function checkPlugins(
  props: Readonly<Record<string, string>>,
  plugins: PluginRegistry,
  problems: WorkerConfigProblems,
): void {
  const check = (key: string, kind: PluginKind, fallback?: string): void => {
    const value = (props[key] ?? fallback)?.trim()
    if (value === undefined || value === '' || problems.errors[key] !== undefined) return
    const entries = plugins.list().filter((e) => e.className === value || e.aliases.includes(value))
    const available = [...new Set(plugins.list(kind).map((e) => e.className))].sort()
    if (entries.length === 0) {
      problems.errors[key] = [
        `Invalid value ${value} for configuration ${key}: Class ${value} could not be found.`,
      ]
      problems.fixes[key] =
        `use one of ${available.join(', ')}; or add the directory of the plugin that provides it to plugin.path`
    } else if (!entries.some((e) => e.kind === kind)) {
      const iface = kind === 'header_converter' ? 'HeaderConverter' : 'Converter'
      problems.errors[key] = [
        `Class class ${entries[0]?.className} does not implement the ${iface} interface`,
      ]
      problems.fixes[key] = `use one of ${available.join(', ')}`
    }
  }
  check('key.converter', 'converter')
  check('value.converter', 'converter')
  check('header.converter', 'header_converter')
}

/**
 * Validates worker properties against {@link STANDALONE_CONFIG_DEF} and, when `plugins` is given, the
 * converter classes against the installed plugins, reporting every bad key at once.
 * @throws {@link CliError} (exit 2) naming `file`, each key, Kafka's message and the fix
 */
export function parseStandaloneConfig(
  file: string,
  props: Readonly<Record<string, string>>,
  plugins?: PluginRegistry,
): StandaloneWorkerConfig {
  const problems: WorkerConfigProblems = { errors: {}, fixes: {} }
  const values = parseCollecting(file, props, problems)
  if (plugins !== undefined) checkPlugins(props, plugins, problems)
  if (values === undefined || Object.keys(problems.errors).length > 0) {
    // Report keys in the order the worker config defines them, unknown ones last.
    const names = STANDALONE_CONFIG_DEF.names()
    const rank = (k: string): number => (names.includes(k) ? names.indexOf(k) : names.length)
    const errors = Object.fromEntries(Object.entries(problems.errors).sort(([a], [b]) => rank(a) - rank(b)))
    throw new CliError(
      formatConfigErrors(`invalid worker configuration in ${file}`, errors, (k) => problems.fixes[k] ?? ''),
      2,
    )
  }
  return { file, props, values }
}
