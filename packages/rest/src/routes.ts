import type {
  ConnectorOffsets,
  Herder,
  InitialState,
  SinkOffsetEntry,
  SourceOffsetEntry,
} from '@sluice/runtime'
import { javaHashOrder } from '@sluice/runtime'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import {
  configInfosEntity,
  configKeyInfoEntity,
  connectorInfoEntity,
  connectorOffsetsEntity,
  connectorStateInfoEntity,
  pluginInfoEntities,
  taskInfoEntity,
  taskStateEntity,
} from './entities.js'
import { javaClassOf, RestError } from './errors.js'
import { type BodyType, readJacksonBody } from './jackson-json.js'
import { type LoggerLevels, parseLogLevel } from './logger-levels.js'
import type { RestConfig } from './rest-config.js'
import { stringMapSchema } from './schemas.js'

/** What the routes need from the server. */
export interface RouteContext {
  /** The herder; throws (503) while the worker is still starting. */
  herder(): Herder
  readonly config: RestConfig
  readonly loggers: LoggerLevels
  readonly serverInfo: { readonly version: string; readonly commit: string }
  readonly requestTimeoutMs: number
  readonly healthCheckTimeoutMs: number
  /** `PUT /admin/loggers/{l}?scope=cluster`; standalone applies the level to this worker. */
  readonly onClusterLoggerLevel: (namespace: string, level: string) => void | Promise<void>
}

/** Per-route settings mirroring the JAX-RS annotations of Kafka Connect's resources. */
interface RouteOptions {
  /** Class-level `@Consumes(APPLICATION_JSON)`: another request Content-Type gets 415. */
  readonly consumes: boolean
  /** How the body is read (Jackson); `undefined` = the body is ignored. */
  readonly body?: BodyType
  /**
   * The message of the `NullPointerException` Kafka Connect's resource throws when the body is empty or
   * `null` (answered with 500); omitted when `null` is passed on.
   */
  readonly nullBody?: string
  readonly schema: FastifySchema
}

/** A route as Jersey matches it, for 405/OPTIONS answers on known paths. */
export interface KnownRoute {
  readonly method: string
  readonly pattern: RegExp
}

declare module 'fastify' {
  interface FastifyContextConfig {
    sluice?: RouteOptions
  }
}

function patternOf(url: string): RegExp {
  const re = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${re === '' ? '/' : re}/?$`)
}

function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  return (header.split(';')[0] ?? '').trim().toLowerCase()
}

/** Jersey's `@Consumes` check. */
function checkConsumes(req: FastifyRequest): void {
  const type = mediaType(req.headers['content-type'])
  if (type === undefined || type === '') return
  if (type !== 'application/json' && type !== '*/*') throw bareError(415)
}

/** Jersey's `@Produces(APPLICATION_JSON)` check against `Accept`. */
function checkAccept(req: FastifyRequest): void {
  const accept = req.headers.accept
  if (accept === undefined || accept.trim() === '') return
  const ok = accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase())
    if (params.some((p) => /^q\s*=\s*0(\.0*)?$/.test(p))) return false
    return type === '*/*' || type === 'application/*' || type === 'application/json' || type === '*'
  })
  if (!ok) throw bareError(406)
}

/** An error Jersey produces itself: its body is JSON but the response has no Content-Type. */
export function bareError(status: number): RestError & { bare: true } {
  const reasons: Record<number, string> = {
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    415: 'Unsupported Media Type',
  }
  return Object.assign(new RestError(status, `HTTP ${status} ${reasons[status] ?? ''}`.trimEnd()), {
    bare: true as const,
  })
}

/** Java's `Integer.valueOf` for `{task}`: a value that does not parse makes the path unknown (404). */
function taskParam(raw: string): number {
  if (!/^[+-]?\d+$/.test(raw)) throw new RestError(404, 'HTTP 404 Not Found')
  const n = Number(raw)
  if (n < -2147483648 || n > 2147483647) throw new RestError(404, 'HTTP 404 Not Found')
  return n
}

/** Jersey's `Boolean` query parameter conversion (`Boolean.valueOf`): only `true` (any case) is true. */
function boolParam(raw: unknown, dflt: boolean): boolean {
  const v = Array.isArray(raw) ? raw[0] : raw
  if (v === undefined) return dflt
  return String(v).toLowerCase() === 'true'
}

function firstParam(raw: unknown): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw
  return v === undefined ? undefined : String(v)
}

/** `{"error_code","message"}` responses for the OpenAPI document. */
const errors = { default: { $ref: 'ErrorMessage#' } } as const

/** `UriBuilder.path(name)` encoding for the Location header (`/` stays a separator). */
function encodePath(name: string): string {
  return name.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

function locationOf(req: FastifyRequest, name: string): string {
  const host = req.headers.host ?? `${req.hostname}`
  return `${req.protocol}://${host}/connectors/${encodePath(name)}`
}

const ALIAS_SUFFIX = 'Connector'
/** Kafka's `normalizedPluginName`: strips one trailing `Connector` (not from `Connector` itself). */
function normalizedPluginName(name: string): string {
  return name.endsWith(ALIAS_SUFFIX) && name.length > ALIAS_SUFFIX.length
    ? name.slice(0, -ALIAS_SUFFIX.length)
    : name
}

/** Kafka's `checkAndPutConnectorConfigName`. */
function checkAndPutName(name: string, config: Record<string, string | null>): void {
  const included = config.name
  if (included !== undefined && included !== null) {
    if (included !== name) {
      throw new RestError(
        400,
        `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`,
      )
    }
  } else {
    config.name = name
  }
}

const INITIAL_STATES: Record<string, InitialState> = {
  RUNNING: 'STARTED',
  PAUSED: 'PAUSED',
  STOPPED: 'STOPPED',
}

const npe = (what: string, variable: string): string =>
  `Cannot invoke "${what}" because "${variable}" is null`

/**
 * Checks sink offsets like Kafka Connect's `SinkUtils.parseSinkConnectorOffsets` and normalizes them:
 * `"10"` and `10` are both accepted for `kafka_partition` and `kafka_offset`.
 */
export function parseSinkOffsets(
  offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry>,
): SinkOffsetEntry[] {
  return offsets.map((e) => {
    const partition = e.partition as Record<string, unknown> | null
    if (partition === null || partition === undefined) {
      throw new RestError(400, 'The partition for a sink connector offset cannot be null or missing')
    }
    if (!('kafka_topic' in partition) || !('kafka_partition' in partition)) {
      throw new RestError(
        400,
        "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
      )
    }
    if (partition.kafka_topic === null)
      throw new RestError(400, 'Kafka topic names must be valid strings and may not be null')
    if (partition.kafka_partition === null)
      throw new RestError(400, 'Kafka partitions must be valid numbers and may not be null')
    const p = javaInt(partition.kafka_partition, 32)
    if (p === undefined) {
      throw new RestError(
        400,
        `Failed to parse the following Kafka partition value in the provided offsets: '${javaString(partition.kafka_partition)}'. Partition values for sink connectors need to be integers.`,
      )
    }
    const offset = e.offset as Record<string, unknown> | null
    if (offset === null || offset === undefined) {
      return {
        partition: { kafka_topic: javaString(partition.kafka_topic), kafka_partition: p },
        offset: null,
      }
    }
    if (!('kafka_offset' in offset)) {
      throw new RestError(
        400,
        "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
      )
    }
    const o = javaInt(offset.kafka_offset, 64)
    if (o === undefined) {
      throw new RestError(
        400,
        `Failed to parse the following Kafka offset value in the provided offsets: '${javaString(offset.kafka_offset)}'. Offset values for sink connectors need to be integers.`,
      )
    }
    return {
      partition: { kafka_topic: javaString(partition.kafka_topic), kafka_partition: p },
      offset: { kafka_offset: o },
    }
  })
}

function javaString(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** `Integer.parseInt(String.valueOf(v))` / `Long.parseLong`: `undefined` when it would throw. */
function javaInt(v: unknown, bits: 32 | 64): number | undefined {
  const s = javaString(v)
  if (!/^[+-]?\d+$/.test(s)) return undefined
  const n = BigInt(s)
  const max = bits === 32 ? 2n ** 31n - 1n : 2n ** 63n - 1n
  if (n > max || n < -max - 1n) return undefined
  return Number(n)
}

/**
 * Registers every Kafka Connect endpoint on `app` (`admin: true` adds `/admin/loggers`, `regular: false`
 * leaves the others out, for a separate admin listener). Returns the known routes for 405 answers.
 */
export function registerRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  parts: { readonly regular: boolean; readonly admin: boolean },
): KnownRoute[] {
  const known: KnownRoute[] = []
  const timeout = <T>(p: Promise<T> | T, ms = ctx.requestTimeoutMs): Promise<T> => withTimeout(p, ms)

  const def = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: RouteOptions,
    handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void => {
    known.push({ method, pattern: patternOf(url) })
    app.route({
      method,
      url,
      schema: options.schema,
      config: { sluice: options },
      preValidation: async (req) => {
        if (options.consumes) checkConsumes(req)
        checkAccept(req)
        // Kept for forwarding to another worker and for KIP-507 signatures over the exact bytes.
        ;(req as FastifyRequest & { rawBody?: Buffer | undefined }).rawBody = Buffer.isBuffer(req.body)
          ? req.body
          : undefined
        if (options.body !== undefined) {
          const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
          const value = readJacksonBody(raw, options.body)
          if (value === null && options.nullBody !== undefined) throw new RestError(500, options.nullBody)
          req.body = value
        } else {
          req.body = undefined
        }
      },
      handler: async (req, reply) => {
        try {
          return await handler(req, reply)
        } catch (err) {
          // Distributed mode: the leader (or the connector's owner) must serve it (Kafka's HerderRequestHandler).
          const target = forwardTargetOf(err)
          if (target === undefined) throw err
          return forwardRequest(req, reply, target)
        }
      },
    })
  }

  const connectorParam = { type: 'object', properties: { connector: { type: 'string' } } } as const
  const taskParams = {
    type: 'object',
    properties: { connector: { type: 'string' }, task: { type: 'string', description: 'task number' } },
  } as const

  if (parts.regular) {
    // ---- RootResource -------------------------------------------------------------------------
    def(
      'GET',
      '/',
      {
        consumes: false,
        schema: {
          summary: 'Get details about this Connect worker and the ID of the Kafka cluster it is connected to',
          response: { 200: { $ref: 'ServerInfo#' }, ...errors },
        },
      },
      async () => ({
        version: ctx.serverInfo.version,
        commit: ctx.serverInfo.commit,
        kafka_cluster_id: await timeout(ctx.herder().kafkaClusterId()),
      }),
    )

    def(
      'GET',
      '/health',
      {
        consumes: false,
        schema: {
          summary: 'Health check endpoint to verify worker readiness and liveness',
          response: {
            200: { $ref: 'WorkerStatus#' },
            500: { $ref: 'WorkerStatus#' },
            503: { $ref: 'WorkerStatus#' },
          },
        },
      },
      async (_req, reply) => {
        let herder: Herder | undefined
        try {
          herder = ctx.herder()
        } catch {
          herder = undefined
        }
        if (herder === undefined || !herder.ready) {
          return reply.code(503).send({ status: 'starting', message: 'Worker is still starting up.' })
        }
        try {
          // Liveness: the herder must answer a request within the health-check timeout.
          await withTimeout(herder.connectors(), ctx.healthCheckTimeoutMs)
        } catch (err) {
          if (err instanceof TimeoutError) {
            return reply.code(500).send({
              status: 'unhealthy',
              message: 'Worker was unable to handle this request and may be unable to handle other requests.',
            })
          }
          throw err
        }
        return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }
      },
    )

    // ---- ConnectorsResource -------------------------------------------------------------------
    def(
      'GET',
      '/connectors',
      {
        consumes: true,
        schema: {
          summary: 'List all active connectors',
          querystring: {
            type: 'object',
            properties: {
              expand: {
                type: 'array',
                items: { type: 'string' },
                description: 'status and/or info (repeatable); other values are ignored',
              },
            },
          },
          response: {
            200: {
              description: 'Connector names, or with `expand` a map of connector name to `status`/`info`',
              anyOf: [
                { type: 'array', items: { type: 'string' } },
                {
                  type: 'object',
                  additionalProperties: {
                    type: 'object',
                    properties: { status: { $ref: 'ConnectorStateInfo#' }, info: { $ref: 'ConnectorInfo#' } },
                  },
                },
              ],
            },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const herder = ctx.herder()
        const names = javaHashOrder(await timeout(herder.connectors()))
        const query = req.query as Record<string, unknown>
        if (!('expand' in query)) return reply.type('application/json').send(JSON.stringify(names))
        const raw = query.expand
        const expansions = (Array.isArray(raw) ? raw : [raw]).map(String)
        // Kafka Connect keeps each connector's expansions in a HashMap ("status" and "info" share a bucket,
        // so they come out in request order).
        const keys = javaHashOrder(expansions.filter((e) => e === 'status' || e === 'info'))
        const out: Record<string, Record<string, unknown>> = {}
        for (const name of names) {
          try {
            const entry: Record<string, unknown> = {}
            for (const key of keys) {
              entry[key] =
                key === 'status'
                  ? connectorStateInfoEntity(await timeout(herder.connectorStatus(name)))
                  : connectorInfoEntity(await timeout(herder.connectorInfo(name)))
            }
            out[name] = entry
          } catch (err) {
            // Deleted while we looked it up: left out, as Kafka Connect does.
            if (!(err instanceof Error && (err as { code?: string }).code === 'XC_NOT_FOUND')) throw err
          }
        }
        return reply.type('application/json').send(JSON.stringify(out))
      },
    )

    def(
      'POST',
      '/connectors',
      {
        consumes: true,
        body: 'CreateConnectorRequest',
        nullBody: npe(
          'org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()',
          'createRequest',
        ),
        schema: {
          summary: 'Create a new connector',
          body: { $ref: 'CreateConnectorRequest#' },
          response: { 201: { $ref: 'ConnectorInfo#' }, ...errors },
        },
      },
      async (req, reply) => {
        const body = req.body as {
          name?: string | null
          config?: Record<string, string | null> | null
          initial_state?: string | null
        }
        const name = (body.name ?? '').trim()
        const config = body.config
        if (config === null || config === undefined)
          throw new RestError(500, npe('java.util.Map.get(Object)', 'connectorConfig'))
        checkAndPutName(name, config)
        const state =
          body.initial_state === null || body.initial_state === undefined
            ? undefined
            : INITIAL_STATES[body.initial_state]
        const result = await timeout(
          ctx.herder().putConnectorConfig(name, config as Record<string, string>, {
            allowReplace: false,
            ...(state !== undefined && { initialState: state }),
          }),
        )
        return reply
          .code(201)
          .header('Location', locationOf(req, name))
          .send(connectorInfoEntity(result.info))
      },
    )

    def(
      'GET',
      '/connectors/:connector',
      {
        consumes: true,
        schema: {
          summary: 'Get the details for the specified connector',
          params: connectorParam,
          response: { 200: { $ref: 'ConnectorInfo#' }, ...errors },
        },
      },
      async (req) => connectorInfoEntity(await timeout(ctx.herder().connectorInfo(connectorOf(req)))),
    )

    def(
      'GET',
      '/connectors/:connector/config',
      {
        consumes: true,
        schema: {
          summary: 'Get the configuration for the specified connector',
          params: connectorParam,
          response: { 200: stringMapSchema, ...errors },
        },
      },
      async (req) => timeout(ctx.herder().connectorConfig(connectorOf(req))),
    )

    def(
      'PUT',
      '/connectors/:connector/config',
      {
        consumes: true,
        body: 'StringMap',
        nullBody: npe('java.util.Map.get(Object)', 'connectorConfig'),
        schema: {
          summary: 'Create or reconfigure the specified connector',
          params: connectorParam,
          body: stringMapSchema,
          response: { 200: { $ref: 'ConnectorInfo#' }, 201: { $ref: 'ConnectorInfo#' }, ...errors },
        },
      },
      async (req, reply) => {
        const name = connectorOf(req)
        const config = req.body as Record<string, string | null>
        checkAndPutName(name, config)
        const result = await timeout(
          ctx.herder().putConnectorConfig(name, config as Record<string, string>, { allowReplace: true }),
        )
        if (result.created) reply.code(201).header('Location', locationOf(req, name))
        return reply.send(connectorInfoEntity(result.info))
      },
    )

    def(
      'PATCH',
      '/connectors/:connector/config',
      {
        consumes: true,
        body: 'StringMap',
        schema: {
          summary: 'Patch the configuration of the specified connector (`null` removes a key)',
          params: connectorParam,
          body: { type: ['object', 'null'], additionalProperties: { type: ['string', 'null'] } },
          response: { 200: { $ref: 'ConnectorInfo#' }, ...errors },
        },
      },
      async (req) => {
        const patch = (req.body ?? {}) as Record<string, string | null>
        return connectorInfoEntity(await timeout(ctx.herder().patchConnectorConfig(connectorOf(req), patch)))
      },
    )

    def(
      'GET',
      '/connectors/:connector/status',
      {
        consumes: true,
        schema: {
          summary: 'Get the status for the specified connector',
          params: connectorParam,
          response: { 200: { $ref: 'ConnectorStateInfo#' }, ...errors },
        },
      },
      async (req) => connectorStateInfoEntity(await timeout(ctx.herder().connectorStatus(connectorOf(req)))),
    )

    def(
      'GET',
      '/connectors/:connector/topics',
      {
        consumes: true,
        schema: {
          summary: 'Get the list of topics actively used by the specified connector',
          params: connectorParam,
          response: {
            200: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: { topics: { type: 'array', items: { type: 'string' } } },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        if (!ctx.config.topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.')
        const name = connectorOf(req)
        const topics = await timeout(ctx.herder().connectorActiveTopics(name))
        return { [name]: { topics } }
      },
    )

    def(
      'PUT',
      '/connectors/:connector/topics/reset',
      {
        consumes: true,
        schema: {
          summary: 'Reset the list of topics actively used by the specified connector',
          params: connectorParam,
          response: { 202: { type: 'null', description: 'Accepted' }, ...errors },
        },
      },
      async (req, reply) => {
        if (!ctx.config.topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.')
        if (!ctx.config.topicTrackingResetEnabled)
          throw new RestError(403, 'Topic tracking reset is disabled.')
        await timeout(ctx.herder().resetConnectorActiveTopics(connectorOf(req)))
        return reply.code(202).send()
      },
    )

    def(
      'POST',
      '/connectors/:connector/restart',
      {
        consumes: true,
        schema: {
          summary: 'Restart the specified connector',
          params: connectorParam,
          querystring: {
            type: 'object',
            properties: {
              includeTasks: {
                type: 'string',
                description: 'Whether to also restart tasks',
                default: 'false',
              },
              onlyFailed: {
                type: 'string',
                description: 'Whether to only restart failed tasks/connectors',
                default: 'false',
              },
            },
          },
          response: {
            202: { $ref: 'ConnectorStateInfo#' },
            204: { type: 'null', description: 'Restarted' },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const query = req.query as Record<string, unknown>
        const includeTasks = boolParam(query.includeTasks, false)
        const onlyFailed = boolParam(query.onlyFailed, false)
        const state = await timeout(
          ctx.herder().restartConnector({ connector: connectorOf(req), includeTasks, onlyFailed }),
        )
        if (!includeTasks && !onlyFailed) return reply.code(204).send()
        if (state === null) return reply.code(202).send()
        return reply.code(202).send(connectorStateInfoEntity(state))
      },
    )

    def(
      'PUT',
      '/connectors/:connector/stop',
      {
        consumes: true,
        schema: {
          summary: 'Stop the specified connector',
          description: 'This operation is idempotent and has no effects if the connector is already stopped',
          params: connectorParam,
          response: { 204: { type: 'null', description: 'Stopped' }, ...errors },
        },
      },
      async (req, reply) => {
        await timeout(ctx.herder().stopConnector(connectorOf(req)))
        return reply.code(204).send()
      },
    )

    def(
      'PUT',
      '/connectors/:connector/pause',
      {
        consumes: true,
        schema: {
          summary: 'Pause the specified connector',
          description: 'This operation is idempotent and has no effects if the connector is already paused',
          params: connectorParam,
          response: { 202: { type: 'null', description: 'Accepted' }, ...errors },
        },
      },
      async (req, reply) => {
        await timeout(ctx.herder().pauseConnector(connectorOf(req)))
        return reply.code(202).send()
      },
    )

    def(
      'PUT',
      '/connectors/:connector/resume',
      {
        consumes: true,
        schema: {
          summary: 'Resume the specified connector',
          description: 'This operation is idempotent and has no effects if the connector is already running',
          params: connectorParam,
          response: { 202: { type: 'null', description: 'Accepted' }, ...errors },
        },
      },
      async (req, reply) => {
        await timeout(ctx.herder().resumeConnector(connectorOf(req)))
        return reply.code(202).send()
      },
    )

    def(
      'GET',
      '/connectors/:connector/tasks',
      {
        consumes: true,
        schema: {
          summary: 'List all tasks and their configurations for the specified connector',
          params: connectorParam,
          response: { 200: { type: 'array', items: { $ref: 'TaskInfo#' } }, ...errors },
        },
      },
      async (req) => (await timeout(ctx.herder().taskConfigs(connectorOf(req)))).map(taskInfoEntity),
    )

    def(
      'GET',
      '/connectors/:connector/tasks/:task/status',
      {
        consumes: true,
        schema: {
          summary: 'Get the state of the specified task for the specified connector',
          params: taskParams,
          response: { 200: { $ref: 'TaskState#' }, ...errors },
        },
      },
      async (req) => {
        const { connector, task } = req.params as { connector: string; task: string }
        return taskStateEntity(await timeout(ctx.herder().taskStatus({ connector, task: taskParam(task) })))
      },
    )

    def(
      'POST',
      '/connectors/:connector/tasks/:task/restart',
      {
        consumes: true,
        schema: {
          summary: 'Restart the specified task for the specified connector',
          params: taskParams,
          response: { 204: { type: 'null', description: 'Restarted' }, ...errors },
        },
      },
      async (req, reply) => {
        const { connector, task } = req.params as { connector: string; task: string }
        await timeout(ctx.herder().restartTask({ connector, task: taskParam(task) }))
        return reply.code(204).send()
      },
    )

    def(
      'DELETE',
      '/connectors/:connector',
      {
        consumes: true,
        schema: {
          summary: 'Delete the specified connector',
          params: connectorParam,
          response: { 204: { type: 'null', description: 'Deleted' }, ...errors },
        },
      },
      async (req, reply) => {
        await timeout(ctx.herder().deleteConnector(connectorOf(req)))
        return reply.code(204).send()
      },
    )

    def(
      'POST',
      '/connectors/:connector/dlq/replay',
      {
        consumes: false,
        schema: {
          summary:
            "Sluice extension: re-feed records [from, to) of the connector's dead letter queue through its pipeline; what fails again goes back to the DLQ",
          description:
            'For a sink connector the records go through its converters and transforms to put(), with their original topic/partition/offset from the __connect.errors.* headers. For a source connector (Sluice source DLQ) the DLQ bytes are read with its converters, become source records again (topic from __connect.errors.topic, source partition/offset from __sluice.errors.source.*), go through its transforms and converters and are produced to that topic; this needs errors.deadletterqueue.context.headers.enable=true. Source offsets are not changed. Runs on task 0, which must be running; 400 when the connector has no errors.deadletterqueue.topic.name.',
          params: connectorParam,
          querystring: {
            type: 'object',
            properties: {
              from: { type: 'integer', minimum: 0, description: 'First DLQ offset (default 0)' },
              to: {
                type: 'integer',
                minimum: 0,
                description: 'DLQ offset to stop before (default: the end; at most 10 000 records per call)',
              },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                connector: { type: 'string' },
                topic: { type: 'string' },
                from: { type: 'integer' },
                to: { type: 'integer' },
                read: { type: 'integer', description: 'DLQ records read' },
                put: {
                  type: 'integer',
                  description: 'Records delivered: put by the sink task, or produced by the source task',
                },
                failed: {
                  type: 'integer',
                  description:
                    'Records that failed again (converter, transform, put or produce) and went back to the DLQ',
                },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const herder = ctx.herder()
        if (herder.replayDeadLetterQueue === undefined)
          throw new RestError(400, 'DLQ replay is not available on this herder')
        const q = req.query as { from?: number; to?: number }
        return timeout(herder.replayDeadLetterQueue(connectorOf(req), { from: q.from ?? 0, to: q.to }))
      },
    )

    def(
      'GET',
      '/connectors/:connector/offsets',
      {
        consumes: true,
        schema: {
          summary: 'Get the current offsets for the specified connector',
          params: connectorParam,
          response: { 200: { $ref: 'ConnectorOffsets#' }, ...errors },
        },
      },
      async (req) => connectorOffsetsEntity(await timeout(ctx.herder().connectorOffsets(connectorOf(req)))),
    )

    def(
      'PATCH',
      '/connectors/:connector/offsets',
      {
        consumes: true,
        body: 'ConnectorOffsets',
        nullBody: npe('org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets.offsets()', 'offsets'),
        schema: {
          summary: 'Alter the offsets for the specified connector',
          params: connectorParam,
          body: { $ref: 'ConnectorOffsets#' },
          response: { 200: { $ref: 'Message#' }, ...errors },
        },
      },
      async (req) => {
        const name = connectorOf(req)
        const body = req.body as { offsets?: ConnectorOffsets['offsets'] | null }
        if (body.offsets === null || body.offsets === undefined || body.offsets.length === 0) {
          throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request')
        }
        let offsets = body.offsets
        if (offsets.some((o) => o === null)) throw new RestError(500, null)
        const herder = ctx.herder()
        // Sink offsets are parsed (accepting "10" and 10) once the herder's own checks would pass, so a
        // running connector still gets the "must be STOPPED" error first, as in Kafka Connect.
        const info = await timeout(herder.connectorInfo(name))
        if (info.type === 'sink') {
          const status = await timeout(herder.connectorStatus(name))
          if (status.connector.state === 'STOPPED') offsets = parseSinkOffsets(offsets)
        }
        return { message: await timeout(herder.modifyConnectorOffsets(name, offsets)) }
      },
    )

    def(
      'DELETE',
      '/connectors/:connector/offsets',
      {
        consumes: true,
        schema: {
          summary: 'Reset the offsets for the specified connector',
          params: connectorParam,
          response: { 200: { $ref: 'Message#' }, ...errors },
        },
      },
      async (req) => ({
        message: await timeout(ctx.herder().modifyConnectorOffsets(connectorOf(req), null)),
      }),
    )

    // ---- InternalConnectResource (worker-to-worker; standalone refuses) ----------------------
    def(
      'POST',
      '/connectors/:connector/tasks',
      { consumes: false, schema: { hide: true, params: connectorParam } },
      async (req, reply) => {
        const herder = ctx.herder() as Herder & {
          putTaskConfigs?: (c: string, body: Buffer, headers: FastifyRequest['headers']) => Promise<void>
        }
        if (herder.putTaskConfigs !== undefined) {
          const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0)
          await timeout(herder.putTaskConfigs(connectorOf(req), raw, req.headers))
          return reply.code(204).send()
        }
        throw new RestError(
          500,
          'Kafka Connect in standalone mode does not support externally setting task configurations.',
        )
      },
    )
    def(
      'PUT',
      '/connectors/:connector/fence',
      { consumes: false, schema: { hide: true, params: connectorParam } },
      async (req, reply) => {
        // KIP-618: a follower asks the leader to fence a connector's zombie tasks before starting one.
        const herder = ctx.herder() as Herder & {
          fenceZombies?: (c: string, body: Buffer, headers: FastifyRequest['headers']) => Promise<void>
        }
        if (herder.fenceZombies !== undefined) {
          const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0)
          await timeout(herder.fenceZombies(connectorOf(req), raw, req.headers))
          return reply.code(204).send()
        }
        throw new RestError(
          500,
          'Kafka Connect in standalone mode does not support exactly-once source connectors.',
        )
      },
    )

    // ---- ConnectorPluginsResource -------------------------------------------------------------
    def(
      'GET',
      '/connector-plugins',
      {
        consumes: true,
        schema: {
          summary: 'List all connector plugins installed',
          querystring: {
            type: 'object',
            properties: {
              connectorsOnly: {
                type: 'string',
                description: 'Whether to list only connectors instead of all plugins',
                default: 'true',
              },
            },
          },
          response: { 200: { type: 'array', items: { $ref: 'PluginInfo#' } }, ...errors },
        },
      },
      async (req) => {
        const connectorsOnly = boolParam((req.query as Record<string, unknown>).connectorsOnly, true)
        const plugins = pluginInfoEntities(ctx.herder().plugins(connectorsOnly))
        return connectorsOnly ? plugins.filter((p) => p.type === 'sink' || p.type === 'source') : plugins
      },
    )

    def(
      'GET',
      '/connector-plugins/:pluginName/config',
      {
        consumes: true,
        schema: {
          summary: 'Get the configuration definition for the specified pluginName',
          params: { type: 'object', properties: { pluginName: { type: 'string' } } },
          querystring: {
            type: 'object',
            properties: { version: { type: 'string', description: 'Plugin version (range)' } },
          },
          response: { 200: { type: 'array', items: { $ref: 'ConfigKeyInfo#' } }, ...errors },
        },
      },
      async (req) => {
        const { pluginName } = req.params as { pluginName: string }
        const version = firstParam((req.query as Record<string, unknown>).version)
        const herder = ctx.herder()
        const keys =
          version === undefined ? herder.pluginConfig(pluginName) : herder.pluginConfig(pluginName, version)
        return keys.map(configKeyInfoEntity)
      },
    )

    def(
      'PUT',
      '/connector-plugins/:pluginName/config/validate',
      {
        consumes: true,
        body: 'StringMap',
        nullBody: npe('java.util.Map.get(Object)', 'connectorConfig'),
        schema: {
          summary:
            'Validate the provided configuration against the configuration definition for the specified pluginName',
          params: { type: 'object', properties: { pluginName: { type: 'string' } } },
          body: stringMapSchema,
          response: { 200: { $ref: 'ConfigInfos#' }, ...errors },
        },
      },
      async (req) => {
        const { pluginName } = req.params as { pluginName: string }
        const config = req.body as Record<string, string>
        const included = config['connector.class']
        if (
          included !== undefined &&
          included !== null &&
          !normalizedPluginName(included).endsWith(normalizedPluginName(pluginName))
        ) {
          throw new RestError(
            400,
            `Included connector type ${included} does not match request type ${pluginName}`,
          )
        }
        try {
          return configInfosEntity(await timeout(ctx.herder().validateConnectorConfig(config)))
        } catch (err) {
          if (err instanceof TimeoutError) throw new RestError(500, 'Request timed out')
          // Kafka Connect lets the ExecutionException of the validation future escape: 500, and the message
          // is the cause's toString().
          const message = err instanceof Error ? err.message : String(err)
          throw new RestError(500, `${javaClassOf(err)}: ${message}`)
        }
      },
    )
  }

  if (parts.admin) {
    // ---- LoggingResource ----------------------------------------------------------------------
    def(
      'GET',
      '/admin/loggers',
      {
        consumes: true,
        schema: {
          summary: 'List the current loggers that have their levels explicitly set and their log levels',
          response: { 200: { type: 'object', additionalProperties: { $ref: 'LoggerLevel#' } }, ...errors },
        },
      },
      async () => ctx.loggers.allLevels(),
    )

    def(
      'GET',
      '/admin/loggers/:logger',
      {
        consumes: true,
        schema: {
          summary: 'Get the log level for the specified logger',
          params: { type: 'object', properties: { logger: { type: 'string' } } },
          response: { 200: { $ref: 'LoggerLevel#' }, ...errors },
        },
      },
      async (req) => {
        const { logger } = req.params as { logger: string }
        const level = ctx.loggers.level(logger)
        if (level === undefined) throw new RestError(404, `Logger ${logger} not found.`)
        return level
      },
    )

    def(
      'PUT',
      '/admin/loggers/:logger',
      {
        consumes: true,
        body: 'StringMap',
        nullBody: npe('java.util.Map.get(Object)', 'levelMap'),
        schema: {
          summary: 'Set the log level for the specified logger',
          params: { type: 'object', properties: { logger: { type: 'string' } } },
          querystring: {
            type: 'object',
            properties: {
              scope: {
                type: 'string',
                description: 'The scope for the logging modification (single-worker, cluster-wide, etc.)',
                default: 'worker',
              },
            },
          },
          body: {
            type: 'object',
            properties: { level: { type: ['string', 'null'] } },
            additionalProperties: { type: ['string', 'null'] },
          },
          response: {
            200: { type: 'array', items: { type: 'string' } },
            204: { type: 'null', description: 'Applied cluster-wide' },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const { logger } = req.params as { logger: string }
        const scope = firstParam((req.query as Record<string, unknown>).scope) ?? 'worker'
        const levelString = (req.body as Record<string, string | null>).level
        if (levelString === undefined || levelString === null) {
          throw new RestError(400, "Desired 'level' parameter was not specified in request.")
        }
        const level = parseLogLevel(levelString)
        if (level === undefined) throw new RestError(404, `invalid log level '${levelString}'.`)
        if (scope.toLowerCase() === 'cluster') {
          await ctx.onClusterLoggerLevel(logger, level)
          return reply.code(204).send()
        }
        // Any other scope falls back to the worker, as in Kafka Connect.
        return ctx.loggers.setLevel(logger, level)
      },
    )
  }
  return known
}

function connectorOf(req: FastifyRequest): string {
  return (req.params as { connector: string }).connector
}

/** A herder call that did not finish within the REST request timeout. */
export class TimeoutError extends RestError {
  constructor() {
    super(500, 'Request timed out')
  }
}

/** Resolves like `p`, or rejects with {@link TimeoutError} after `ms` (Kafka Connect's 90 s request timeout). */
export function withTimeout<T>(p: Promise<T> | T, ms: number): Promise<T> {
  if (!(p instanceof Promise)) return Promise.resolve(p)
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms)
    timer.unref()
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** The base URL a herder error asks to forward to (`RequestTargetError.forwardUrl`); undefined otherwise. */
function forwardTargetOf(err: unknown): string | null | undefined {
  if (err === null || typeof err !== 'object' || !('forwardUrl' in err)) return undefined
  const url = (err as { forwardUrl: unknown }).forwardUrl
  return typeof url === 'string' ? url : null
}

const CONFLICT = 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)'

/**
 * Kafka's forwarding rule: a request without `forward` goes on with `forward=true`; one with
 * `forward=true` may go one more hop with `forward=false`; `forward=false`, or no target, is a 409. The
 * target's status and body come back as they are.
 */
async function forwardRequest(
  req: FastifyRequest,
  reply: FastifyReply,
  target: string | null,
): Promise<unknown> {
  const url = new URL(req.url, 'http://localhost')
  const hop = url.searchParams.get('forward')
  if (target === null || hop === 'false') throw new RestError(409, CONFLICT)
  const params = new URLSearchParams()
  params.set('forward', hop === null ? 'true' : 'false')
  for (const [k, v] of url.searchParams) if (k !== 'forward') params.append(k, v)
  const dest = `${target.replace(/\/+$/, '')}${url.pathname}?${params.toString()}`
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'kafka-connect' }
  const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody
  if (raw !== undefined && raw.length > 0) headers['Content-Type'] = 'application/json'
  for (const h of ['authorization', 'x-connect-authorization', 'x-connect-request-signature-algorithm']) {
    const v = req.headers[h]
    if (typeof v === 'string') headers[h] = v
  }
  let res: Response
  try {
    res = await fetch(dest, {
      method: req.method,
      headers,
      ...(raw !== undefined && raw.length > 0 && { body: raw }),
    })
  } catch (err) {
    throw new RestError(500, `IO Error trying to forward REST request: ${(err as Error).message}`)
  }
  const text = await res.text()
  reply.code(res.status)
  // Kafka builds Location from the request it received, so it names this worker, not the leader.
  const location = res.headers.get('location')
  if (location !== null) {
    const here = `${req.protocol}://${req.headers.host ?? 'localhost'}`
    reply.header('Location', `${here}${new URL(location, 'http://localhost').pathname}`)
  }
  if (text === '') return reply.send()
  return reply.header('Content-Type', res.headers.get('content-type') ?? 'application/json').send(text)
}
