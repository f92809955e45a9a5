// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` placeholders are data, substituted per side by run-session.ts
/**
 * The scripted REST session both workers replay, as data. `${name}` placeholders are replaced per side
 * (connector names, topic and directory differ per side because both workers share one broker: two sink
 * connectors of the same name would share the consumer group `connect-<name>`), and the same values are
 * replaced back by placeholders in the responses before they are compared.
 */

/** A condition to poll for (on both sides, with a deadline) before a step is sent. */
export type WaitCondition =
  /** Connector `${var}` and all its tasks (at least one) are in `state`. */
  | { readonly connector: string; readonly state: 'RUNNING' | 'PAUSED' }
  /** Connector `${var}` is STOPPED (and has no tasks). */
  | { readonly connector: string; readonly state: 'STOPPED' }
  /** Source `${var}` has committed the offset of the whole input file. */
  | { readonly sourceCaughtUp: string }
  /** Sink `${var}` has committed an offset after every input line. */
  | { readonly sinkCaughtUp: string }
  /** Connector `${var}` reports at least one active topic. */
  | { readonly topicsTracked: string }

/** How a response body is reduced before comparing (when the sides legitimately hold different things). */
export type Projection =
  /** Keep only the FileStream connectors of a plugin list (Sluice ships other plugins than Kafka). */
  | 'fileStreamPlugins'
  /** Keep only the given keys of a logger map (each worker has its own loggers). */
  | { readonly loggers: readonly string[] }

export interface Step {
  /** Stable id, used in reports and in the list of deliberate differences. */
  readonly id: string
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
  readonly path: string
  /** A string is sent as is; an object as JSON. */
  readonly body?: string | Readonly<Record<string, unknown>>
  /** Request headers; `Content-Type: application/json` is added when a body is sent, unless given. */
  readonly headers?: Readonly<Record<string, string>>
  readonly wait?: WaitCondition
  /** JSON paths whose key order (objects) or element order (arrays) is not compared: Java returns hash order there. */
  readonly unordered?: readonly string[]
  readonly project?: Projection
}

/** Lines in the source connector's input file. */
export const INPUT_LINES = ['alpha', 'bravo', 'charlie', 'delta', 'echo']
/** Bytes of the input file: the FileStreamSource offset (`position`) once everything is read. */
export const INPUT_BYTES = INPUT_LINES.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)

const json = { 'Content-Type': 'application/json' }
const srcConfig = {
  'connector.class': 'FileStreamSource',
  'tasks.max': '1',
  file: '${dir}/in.txt',
  topic: '${topic}',
}
const snkConfig = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  file: '${dir}/out.txt',
  topics: '${topic}',
}
// Task configs and the expand map are Java HashMaps; connector configs keep insertion order.
const configMaps = ['$[*].config', '$.config']
const srcRunning: WaitCondition = { connector: '${src}', state: 'RUNNING' }

/** A request with a broken or unusual body, sent as JSON unless `headers` say otherwise. */
const malformed = (
  id: string,
  method: Step['method'],
  path: string,
  body: string,
  headers: Readonly<Record<string, string>> = json,
): Step => ({ id, method, path, body, headers })

/** A request about a connector that does not exist. */
const noSuchConnector = (
  id: string,
  method: Step['method'],
  suffix = '',
  more: Partial<Step> = {},
): Step => ({
  id,
  method,
  path: `/connectors/compat-nope${suffix}`,
  ...more,
})

export const SESSION: readonly Step[] = [
  // ---- worker ------------------------------------------------------------------------------------
  { id: 'root', method: 'GET', path: '/' },
  { id: 'health', method: 'GET', path: '/health' },
  { id: 'list-empty', method: 'GET', path: '/connectors' },
  { id: 'list-empty-expand', method: 'GET', path: '/connectors?expand=status&expand=info' },

  // ---- plugins -----------------------------------------------------------------------------------
  { id: 'plugins', method: 'GET', path: '/connector-plugins', project: 'fileStreamPlugins' },
  {
    id: 'plugins-all',
    method: 'GET',
    path: '/connector-plugins?connectorsOnly=false',
    project: 'fileStreamPlugins',
  },
  { id: 'plugin-config-source-alias', method: 'GET', path: '/connector-plugins/FileStreamSource/config' },
  {
    id: 'plugin-config-sink-simple',
    method: 'GET',
    path: '/connector-plugins/FileStreamSinkConnector/config',
  },
  {
    id: 'plugin-config-source-class',
    method: 'GET',
    path: '/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config',
  },
  { id: 'plugin-config-unknown', method: 'GET', path: '/connector-plugins/NoSuchPlugin/config' },

  // ---- validate ----------------------------------------------------------------------------------
  {
    id: 'validate-good',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSource/config/validate',
    body: { name: 'v', ...srcConfig },
  },
  {
    id: 'validate-missing-topic',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSourceConnector/config/validate',
    body: { 'connector.class': 'FileStreamSource', 'tasks.max': '0', file: '/tmp/x' },
  },
  {
    id: 'validate-sink-both-topic-keys',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSink/config/validate',
    body: { name: 'v', 'connector.class': 'FileStreamSink', topics: 'a', 'topics.regex': 'b.*' },
  },
  {
    id: 'validate-type-mismatch',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSink/config/validate',
    body: { 'connector.class': 'FileStreamSource' },
  },
  {
    id: 'validate-no-class',
    method: 'PUT',
    path: '/connector-plugins/FileStreamSink/config/validate',
    body: { topics: 'a' },
  },
  {
    id: 'validate-unknown-class',
    method: 'PUT',
    path: '/connector-plugins/NoSuchConnector/config/validate',
    body: { 'connector.class': 'NoSuchConnector' },
  },

  // ---- create ------------------------------------------------------------------------------------
  {
    id: 'create-source',
    method: 'POST',
    path: '/connectors',
    body: { name: '${src}', config: srcConfig },
    unordered: [],
  },
  {
    id: 'create-duplicate',
    method: 'POST',
    path: '/connectors',
    body: { name: '${src}', config: srcConfig },
  },
  { id: 'create-sink', method: 'POST', path: '/connectors', body: { name: '${snk}', config: snkConfig } },
  {
    id: 'create-invalid',
    method: 'POST',
    path: '/connectors',
    body: { name: 'compat-invalid', config: { 'connector.class': 'FileStreamSink' } },
  },
  {
    id: 'create-unknown-class',
    method: 'POST',
    path: '/connectors',
    body: { name: 'compat-unknown', config: { 'connector.class': 'NoSuchConnector' } },
  },
  {
    id: 'create-name-mismatch',
    method: 'PUT',
    path: '/connectors/${src}/config',
    body: { ...srcConfig, name: 'other' },
  },

  // ---- read --------------------------------------------------------------------------------------
  {
    id: 'get-source',
    method: 'GET',
    path: '/connectors/${src}',
    wait: srcRunning,
  },
  { id: 'get-source-config', method: 'GET', path: '/connectors/${src}/config' },
  { id: 'get-source-tasks', method: 'GET', path: '/connectors/${src}/tasks', unordered: configMaps },
  {
    id: 'list',
    method: 'GET',
    path: '/connectors',
    wait: { connector: '${snk}', state: 'RUNNING' },
    unordered: ['$'],
  },
  { id: 'list-expand-both', method: 'GET', path: '/connectors?expand=status&expand=info', unordered: ['$'] },
  { id: 'list-expand-info', method: 'GET', path: '/connectors?expand=info', unordered: ['$'] },
  { id: 'list-expand-unknown', method: 'GET', path: '/connectors?expand=everything', unordered: ['$'] },
  { id: 'status-source', method: 'GET', path: '/connectors/${src}/status' },
  { id: 'status-sink', method: 'GET', path: '/connectors/${snk}/status' },
  { id: 'task-status', method: 'GET', path: '/connectors/${src}/tasks/0/status' },
  { id: 'task-status-unknown', method: 'GET', path: '/connectors/${src}/tasks/5/status' },
  { id: 'task-status-not-a-number', method: 'GET', path: '/connectors/${src}/tasks/x/status' },
  {
    id: 'topics-source',
    method: 'GET',
    path: '/connectors/${src}/topics',
    wait: { topicsTracked: '${src}' },
  },

  // ---- pause / resume / restart -------------------------------------------------------------------
  { id: 'pause', method: 'PUT', path: '/connectors/${src}/pause' },
  {
    id: 'status-paused',
    method: 'GET',
    path: '/connectors/${src}/status',
    wait: { connector: '${src}', state: 'PAUSED' },
  },
  { id: 'pause-again', method: 'PUT', path: '/connectors/${src}/pause' },
  { id: 'resume', method: 'PUT', path: '/connectors/${src}/resume' },
  {
    id: 'status-resumed',
    method: 'GET',
    path: '/connectors/${src}/status',
    wait: srcRunning,
  },
  { id: 'restart', method: 'POST', path: '/connectors/${src}/restart' },
  {
    id: 'restart-include-tasks',
    method: 'POST',
    path: '/connectors/${src}/restart?includeTasks=true',
    wait: srcRunning,
  },
  {
    id: 'restart-only-failed',
    method: 'POST',
    path: '/connectors/${src}/restart?onlyFailed=true',
    wait: srcRunning,
  },
  {
    id: 'restart-include-tasks-only-failed',
    method: 'POST',
    path: '/connectors/${src}/restart?includeTasks=true&onlyFailed=true',
    wait: srcRunning,
  },
  { id: 'restart-flag-not-true', method: 'POST', path: '/connectors/${src}/restart?includeTasks=yes' },
  {
    id: 'restart-task',
    method: 'POST',
    path: '/connectors/${src}/tasks/0/restart',
    wait: srcRunning,
  },
  { id: 'restart-unknown-task', method: 'POST', path: '/connectors/${snk}/tasks/not-a-number/restart' },
  { id: 'restart-unknown', method: 'POST', path: '/connectors/compat-nope/restart' },
  {
    id: 'restart-unknown-include-tasks',
    method: 'POST',
    path: '/connectors/compat-nope/restart?includeTasks=true',
  },

  // ---- source offsets ----------------------------------------------------------------------------
  {
    id: 'offsets-source',
    method: 'GET',
    path: '/connectors/${src}/offsets',
    wait: { sourceCaughtUp: '${src}' },
  },
  {
    id: 'offsets-alter-running',
    method: 'PATCH',
    path: '/connectors/${src}/offsets',
    body: { offsets: [{ partition: { filename: '${dir}/in.txt' }, offset: { position: 0 } }] },
  },
  { id: 'offsets-reset-running', method: 'DELETE', path: '/connectors/${src}/offsets' },
  { id: 'stop-source', method: 'PUT', path: '/connectors/${src}/stop' },
  {
    id: 'status-stopped',
    method: 'GET',
    path: '/connectors/${src}/status',
    wait: { connector: '${src}', state: 'STOPPED' },
  },
  { id: 'get-stopped', method: 'GET', path: '/connectors/${src}' },
  { id: 'tasks-stopped', method: 'GET', path: '/connectors/${src}/tasks' },
  { id: 'stop-again', method: 'PUT', path: '/connectors/${src}/stop' },
  {
    id: 'offsets-alter-source',
    method: 'PATCH',
    path: '/connectors/${src}/offsets',
    body: { offsets: [{ partition: { filename: '${dir}/in.txt' }, offset: { position: 6 } }] },
  },
  { id: 'offsets-source-altered', method: 'GET', path: '/connectors/${src}/offsets' },
  { id: 'offsets-alter-empty', method: 'PATCH', path: '/connectors/${src}/offsets', body: { offsets: [] } },
  { id: 'offsets-alter-no-body-field', method: 'PATCH', path: '/connectors/${src}/offsets', body: {} },
  { id: 'offsets-reset-source', method: 'DELETE', path: '/connectors/${src}/offsets' },
  { id: 'offsets-source-reset', method: 'GET', path: '/connectors/${src}/offsets' },

  // ---- sink offsets ------------------------------------------------------------------------------
  { id: 'offsets-sink', method: 'GET', path: '/connectors/${snk}/offsets', wait: { sinkCaughtUp: '${snk}' } },
  { id: 'stop-sink', method: 'PUT', path: '/connectors/${snk}/stop' },
  {
    id: 'offsets-alter-sink-string-partition',
    method: 'PATCH',
    path: '/connectors/${snk}/offsets',
    body: {
      offsets: [
        { partition: { kafka_topic: '${topic}', kafka_partition: '0' }, offset: { kafka_offset: 2 } },
      ],
    },
    wait: { connector: '${snk}', state: 'STOPPED' },
  },
  { id: 'offsets-sink-altered', method: 'GET', path: '/connectors/${snk}/offsets' },
  {
    id: 'offsets-alter-sink-number-partition',
    method: 'PATCH',
    path: '/connectors/${snk}/offsets',
    body: {
      offsets: [{ partition: { kafka_topic: '${topic}', kafka_partition: 0 }, offset: { kafka_offset: 3 } }],
    },
  },
  {
    id: 'offsets-alter-sink-bad-offset',
    method: 'PATCH',
    path: '/connectors/${snk}/offsets',
    body: {
      offsets: [
        { partition: { kafka_topic: '${topic}', kafka_partition: 0 }, offset: { kafka_offset: 'x' } },
      ],
    },
  },
  {
    id: 'offsets-alter-sink-no-partition-key',
    method: 'PATCH',
    path: '/connectors/${snk}/offsets',
    body: { offsets: [{ partition: { kafka_topic: '${topic}' }, offset: { kafka_offset: 1 } }] },
  },
  { id: 'offsets-reset-sink', method: 'DELETE', path: '/connectors/${snk}/offsets' },
  { id: 'offsets-sink-reset', method: 'GET', path: '/connectors/${snk}/offsets' },
  { id: 'resume-stopped-sink', method: 'PUT', path: '/connectors/${snk}/resume' },

  // ---- reconfigure -------------------------------------------------------------------------------
  {
    id: 'put-config-update',
    method: 'PUT',
    path: '/connectors/${snk}/config',
    body: { ...snkConfig, 'tasks.max': '2' },
    wait: { connector: '${snk}', state: 'RUNNING' },
  },
  {
    id: 'patch-config',
    method: 'PATCH',
    path: '/connectors/${snk}/config',
    body: { 'tasks.max': '1', 'errors.log.enable': 'true' },
  },
  { id: 'get-sink-config', method: 'GET', path: '/connectors/${snk}/config' },

  // ---- unknown things ----------------------------------------------------------------------------
  noSuchConnector('unknown-connector', 'GET'),
  noSuchConnector('unknown-connector-status', 'GET', '/status'),
  noSuchConnector('unknown-connector-config', 'GET', '/config'),
  noSuchConnector('unknown-connector-tasks', 'GET', '/tasks'),
  noSuchConnector('unknown-connector-offsets', 'GET', '/offsets'),
  noSuchConnector('unknown-connector-pause', 'PUT', '/pause'),
  noSuchConnector('unknown-connector-delete', 'DELETE'),
  noSuchConnector('unknown-connector-patch', 'PATCH', '/config', { body: { a: 'b' } }),
  { id: 'unknown-path', method: 'GET', path: '/no/such/path' },
  { id: 'wrong-method', method: 'DELETE', path: '/connectors' },
  { id: 'options', method: 'OPTIONS', path: '/connectors' },
  { id: 'trailing-slash', method: 'GET', path: '/connectors/', unordered: ['$'] },

  // ---- malformed requests ------------------------------------------------------------------------
  malformed('malformed-json', 'POST', '/connectors', '{bad'),
  malformed('truncated-json', 'POST', '/connectors', '{"name":"x","config":{'),
  malformed('trailing-garbage', 'POST', '/connectors', '{"name":"x","config":{}} trailing'),
  malformed('config-value-object', 'POST', '/connectors', '{"name":"x","config":{"a":{"b":1}}}'),
  malformed('config-not-a-map', 'POST', '/connectors', '{"name":"x","config":[1]}'),
  malformed('unknown-field', 'POST', '/connectors', '{"name":"x","config":{},"extra":1}'),
  malformed(
    'bad-initial-state',
    'POST',
    '/connectors',
    '{"name":"x","config":{},"initial_state":"SLEEPING"}',
  ),
  malformed('empty-body', 'POST', '/connectors', ''),
  malformed('config-map-array', 'PUT', '/connectors/${snk}/config', '[1]'),
  malformed('offsets-not-a-list', 'PATCH', '/connectors/${snk}/offsets', '{"offsets":{}}'),
  malformed('wrong-content-type', 'POST', '/connectors', '{"name":"x","config":{}}', {
    'Content-Type': 'text/plain',
  }),
  malformed('form-content-type', 'PUT', '/connectors/${snk}/pause', 'a=b', {
    'Content-Type': 'application/x-www-form-urlencoded',
  }),
  {
    id: 'wrong-content-type-get',
    method: 'GET',
    path: '/connectors/${snk}',
    headers: { 'Content-Type': 'text/plain' },
  },
  { id: 'root-any-content-type', method: 'GET', path: '/health', headers: { 'Content-Type': 'text/plain' } },
  { id: 'not-acceptable', method: 'GET', path: '/connectors', headers: { Accept: 'text/html' } },

  // ---- loggers -----------------------------------------------------------------------------------
  { id: 'logger-root', method: 'GET', path: '/admin/loggers/root' },
  { id: 'logger-unknown', method: 'GET', path: '/admin/loggers/compat.no.such.logger' },
  { id: 'logger-set', method: 'PUT', path: '/admin/loggers/compat.test.logger', body: { level: 'debug' } },
  { id: 'logger-get', method: 'GET', path: '/admin/loggers/compat.test.logger' },
  {
    id: 'logger-set-cluster',
    method: 'PUT',
    path: '/admin/loggers/compat.test.logger?scope=cluster',
    body: { level: 'WARN' },
  },
  {
    id: 'logger-set-bad-scope',
    method: 'PUT',
    path: '/admin/loggers/compat.test.other?scope=galaxy',
    body: { level: 'ERROR' },
  },
  {
    id: 'logger-list',
    method: 'GET',
    path: '/admin/loggers',
    project: { loggers: ['compat.test.logger', 'compat.test.other'] },
  },
  {
    id: 'logger-invalid-level',
    method: 'PUT',
    path: '/admin/loggers/compat.test.logger',
    body: { level: 'LOUD' },
  },
  { id: 'logger-no-level', method: 'PUT', path: '/admin/loggers/compat.test.logger', body: {} },

  // ---- delete ------------------------------------------------------------------------------------
  { id: 'delete-source', method: 'DELETE', path: '/connectors/${src}' },
  { id: 'delete-sink', method: 'DELETE', path: '/connectors/${snk}' },
  { id: 'get-deleted', method: 'GET', path: '/connectors/${src}' },
  { id: 'list-after-delete', method: 'GET', path: '/connectors' },
]
