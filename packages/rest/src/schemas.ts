/**
 * JSON schemas of Kafka Connect's REST entities (`rt/runtime/rest/entities`). Responses are serialized
 * through them, so the property order here *is* the wire order; the OpenAPI document is generated from them.
 *
 * Request schemas describe what the Jackson-compatible reader (`jackson-json.ts`) produces: Kafka Connect
 * answers malformed or mistyped bodies with 500 and Jackson's message, which schema validation cannot
 * reproduce, so bodies are read and checked there and these schemas document (and re-assert) the result.
 */

const nullableString = { type: ['string', 'null'] } as const
const stringMap = { type: 'object', additionalProperties: nullableString } as const
const anyMap = { type: ['object', 'null'], additionalProperties: true } as const

/** `ErrorMessage`: every error body. */
export const errorMessageSchema = {
  $id: 'ErrorMessage',
  type: 'object',
  properties: { error_code: { type: 'integer' }, message: nullableString },
} as const

/** `ServerInfo` (`GET /`). */
export const serverInfoSchema = {
  $id: 'ServerInfo',
  type: 'object',
  properties: { version: { type: 'string' }, commit: { type: 'string' }, kafka_cluster_id: nullableString },
} as const

/** `WorkerStatus` (`GET /health`). */
export const workerStatusSchema = {
  $id: 'WorkerStatus',
  type: 'object',
  properties: { status: { type: 'string' }, message: { type: 'string' } },
} as const

/** `ConnectorTaskId`. */
export const connectorTaskIdSchema = {
  $id: 'ConnectorTaskId',
  type: 'object',
  properties: { connector: { type: 'string' }, task: { type: 'integer' } },
} as const

const connectorType = { type: 'string', enum: ['source', 'sink', 'unknown'] } as const

/** `ConnectorInfo`. */
export const connectorInfoSchema = {
  $id: 'ConnectorInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    config: stringMap,
    tasks: { type: 'array', items: { $ref: 'ConnectorTaskId#' } },
    type: connectorType,
  },
} as const

const stateProperties = {
  state: { type: 'string', enum: ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED'] },
  worker_id: { type: 'string' },
  // Kafka 4.1 writes `version` before `trace`; both are left out when absent.
  version: nullableString,
  trace: { type: 'string' },
} as const

/** `ConnectorStateInfo.ConnectorState`. */
export const connectorStateSchema = {
  $id: 'ConnectorState',
  type: 'object',
  properties: stateProperties,
} as const

/** `ConnectorStateInfo.TaskState`. */
export const taskStateSchema = {
  $id: 'TaskState',
  type: 'object',
  properties: { id: { type: 'integer' }, ...stateProperties },
} as const

/** `ConnectorStateInfo` (`GET /connectors/{c}/status`). */
export const connectorStateInfoSchema = {
  $id: 'ConnectorStateInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    connector: { $ref: 'ConnectorState#' },
    tasks: { type: 'array', items: { $ref: 'TaskState#' } },
    type: connectorType,
  },
} as const

/** `TaskInfo`. */
export const taskInfoSchema = {
  $id: 'TaskInfo',
  type: 'object',
  properties: { id: { $ref: 'ConnectorTaskId#' }, config: stringMap },
} as const

/** `ConnectorOffset`: a source partition/offset, or a sink `kafka_topic`/`kafka_partition` → `kafka_offset`. */
export const connectorOffsetSchema = {
  $id: 'ConnectorOffset',
  type: ['object', 'null'],
  properties: { partition: anyMap, offset: anyMap },
} as const

/** `ConnectorOffsets` (KIP-875). */
export const connectorOffsetsSchema = {
  $id: 'ConnectorOffsets',
  type: 'object',
  properties: { offsets: { type: ['array', 'null'], items: { $ref: 'ConnectorOffset#' } } },
} as const

/** `Message`. */
export const messageSchema = {
  $id: 'Message',
  type: 'object',
  properties: { message: { type: 'string' } },
} as const

/** `PluginInfo`. */
export const pluginInfoSchema = {
  $id: 'PluginInfo',
  type: 'object',
  properties: {
    class: { type: 'string' },
    type: {
      type: 'string',
      enum: ['source', 'sink', 'converter', 'header_converter', 'transformation', 'predicate'],
    },
    version: { type: 'string' },
  },
} as const

/** `ConfigKeyInfo`. */
export const configKeyInfoSchema = {
  $id: 'ConfigKeyInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    required: { type: 'boolean' },
    default_value: nullableString,
    importance: nullableString,
    documentation: nullableString,
    group: nullableString,
    order_in_group: { type: 'integer' },
    width: nullableString,
    display_name: nullableString,
    dependents: { type: 'array', items: { type: 'string' } },
  },
} as const

/** `ConfigValueInfo`. */
export const configValueInfoSchema = {
  $id: 'ConfigValueInfo',
  type: 'object',
  properties: {
    name: { type: 'string' },
    value: nullableString,
    recommended_values: { type: 'array', items: { type: 'string' } },
    errors: { type: 'array', items: { type: 'string' } },
    visible: { type: 'boolean' },
  },
} as const

/** `ConfigInfos` (`PUT /connector-plugins/{p}/config/validate`). */
export const configInfosSchema = {
  $id: 'ConfigInfos',
  type: 'object',
  properties: {
    name: { type: 'string' },
    error_count: { type: 'integer' },
    groups: { type: 'array', items: { type: 'string' } },
    configs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          definition: { anyOf: [{ $ref: 'ConfigKeyInfo#' }, { type: 'null' }] },
          value: { anyOf: [{ $ref: 'ConfigValueInfo#' }, { type: 'null' }] },
        },
      },
    },
  },
} as const

/** `LoggerLevel`. */
export const loggerLevelSchema = {
  $id: 'LoggerLevel',
  type: 'object',
  properties: { level: { type: 'string' }, last_modified: { type: ['integer', 'null'] } },
} as const

/** `CreateConnectorRequest` (`POST /connectors`). */
export const createConnectorRequestSchema = {
  $id: 'CreateConnectorRequest',
  type: 'object',
  properties: {
    name: nullableString,
    config: { type: ['object', 'null'], additionalProperties: nullableString },
    initial_state: { type: ['string', 'null'], enum: ['RUNNING', 'PAUSED', 'STOPPED', null] },
  },
} as const

/** Every shared schema, registered with `addSchema` so routes can `$ref` them. */
export const SHARED_SCHEMAS = [
  errorMessageSchema,
  serverInfoSchema,
  workerStatusSchema,
  connectorTaskIdSchema,
  connectorInfoSchema,
  connectorStateSchema,
  taskStateSchema,
  connectorStateInfoSchema,
  taskInfoSchema,
  connectorOffsetSchema,
  connectorOffsetsSchema,
  messageSchema,
  pluginInfoSchema,
  configKeyInfoSchema,
  configValueInfoSchema,
  configInfosSchema,
  loggerLevelSchema,
  createConnectorRequestSchema,
] as const

/** `{k: v}` config maps (connector config, validate body; `PATCH` values may be `null`). */
export const stringMapSchema = stringMap
