import { lookup } from 'node:dns/promises'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import swagger from '@fastify/swagger'
import type { Herder } from '@sluice/runtime'
import { javaHashOrder } from '@sluice/runtime'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { RestError, toErrorResponse } from './errors.js'
import { CorsPolicy, type HeaderAction, headerRuleActions } from './http-filters.js'
import { LoggerLevels } from './logger-levels.js'
import { advertisedProtocol, type Listener, parseRestConfig, type RestConfig } from './rest-config.js'
import { bareError, type KnownRoute, type RouteContext, registerRoutes } from './routes.js'
import { SHARED_SCHEMAS } from './schemas.js'

/** Options of {@link createRestServer}. */
export interface RestServerOptions {
  /** The herder; may be attached later with {@link RestServer.attachHerder} (until then requests get 503). */
  readonly herder?: Herder
  /** The worker properties (`listeners`, `admin.listeners`, `rest.advertised.*`, CORS, headers, topic tracking). */
  readonly workerProps: Readonly<Record<string, string>>
  /** Logger levels shared with the runtime; a fresh registry (root INFO) by default. */
  readonly loggers?: LoggerLevels
  /** `GET /` `version` and `commit`; defaults to this package's version and `unknown`. */
  readonly serverInfo?: { readonly version: string; readonly commit: string }
  /** Herder call timeout (Kafka Connect: 90 s). */
  readonly requestTimeoutMs?: number
  /** `GET /health` timeout (Kafka Connect: 10 s). */
  readonly healthCheckTimeoutMs?: number
  /** `PUT /admin/loggers/{l}?scope=cluster`; by default the level is applied to this worker (standalone). */
  readonly onClusterLoggerLevel?: (namespace: string, level: string) => void | Promise<void>
}

/** A running (or startable) Kafka Connect REST server. */
export interface RestServer {
  /** Binds every listener; resolves once they accept connections. */
  start(): Promise<void>
  /** Closes every listener (in-flight requests finish first). */
  stop(): Promise<void>
  /** Provides the herder once the worker exists (the URL must be known before: it is the worker id). */
  attachHerder(herder: Herder): void
  /** Base URL of the first regular listener as bound, e.g. `http://127.0.0.1:8083/` (after {@link start}). */
  readonly url: string
  /** Base URL of the admin listener, the regular URL when admin endpoints share it, `null` when disabled. */
  readonly adminUrl: string | null
  /** URL advertised to other workers and clients (`rest.advertised.*`), e.g. `http://host:8083/`. */
  advertisedUrl(): string
  /** The worker id Kafka Connect derives from the advertised URL: `host:port`. */
  workerId(): string
  readonly config: RestConfig
  readonly loggers: LoggerLevels
  /** The fastify instance of the regular listeners (for `inject` in tests). */
  readonly app: FastifyInstance
  /** The fastify instance of a separate admin listener, if any. */
  readonly adminApp: FastifyInstance | null
}

const require = createRequire(import.meta.url)
const PACKAGE_VERSION = (require('../../package.json') as { version: string }).version

interface Bound {
  readonly listener: Listener
  readonly server: http.Server
  address?: AddressInfo
}

function urlOf(protocol: string, host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host
  return `${protocol}://${h}:${port}/`
}

function applyHeaders(reply: FastifyReply, actions: readonly HeaderAction[]): void {
  for (const a of actions) {
    const existing = reply.getHeader(a.name)
    if (a.mode === 'add' && existing !== undefined) {
      const list = Array.isArray(existing) ? existing.map(String) : [String(existing)]
      reply.header(a.name, [...list, a.value])
    } else {
      reply.header(a.name, a.value)
    }
  }
}

/** Jetty's reason phrases where they differ from Node's. */
const REASONS: Record<number, string> = { 500: 'Server Error' }

async function buildApp(
  ctx: RouteContext,
  config: RestConfig,
  parts: { regular: boolean; admin: boolean },
  servers: Bound[],
  listeners: readonly Listener[],
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Jersey matches `/connectors/` like `/connectors`.
    // Connector names have no length limit in Kafka Connect; find-my-way's default (100) answered 414.
    // The HTTP header limit of node (16 KiB for the request line and headers) is the real bound.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 65_536 },
    bodyLimit: 64 * 1024 * 1024,
    serverFactory: (handler) => {
      // One fastify instance serves every listener of its kind; each gets its own HTTP server.
      for (const listener of listeners) servers.push({ listener, server: http.createServer(handler) })
      return (servers[servers.length - listeners.length] as Bound).server
    },
  })
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)

  const cors =
    config.allowedOrigins.trim() !== ''
      ? new CorsPolicy(config.allowedOrigins, config.allowedMethods)
      : undefined
  app.addHook('onRequest', async (req, reply) => {
    // Jetty's filters run before any resource (also for 404s): response headers first, then CORS.
    if (config.responseHeaders.length > 0) applyHeaders(reply, headerRuleActions(config.responseHeaders))
    if (cors !== undefined)
      applyHeaders(
        reply,
        cors.headers(req.method, (n) => headerValue(req, n)),
      )
  })
  app.addHook('onSend', async (_req, reply, payload) => {
    if ((reply as FastifyReply & { sluiceBare?: boolean }).sluiceBare === true)
      reply.removeHeader('content-type')
    else if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      // Jersey sends the bare media type, without a charset.
      reply.header('content-type', 'application/json')
    }
    const reason = REASONS[reply.statusCode]
    if (reason !== undefined) reply.raw.statusMessage = reason
    return payload
  })

  // Bodies are read as bytes and bound per route the way Jackson does (see jackson-json.ts).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sluice REST API',
        description: 'Kafka Connect-compatible REST API of Sluice',
        version: PACKAGE_VERSION,
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })

  const known: KnownRoute[] = registerRoutes(app, ctx, parts)
  if (parts.regular) {
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  }

  app.setNotFoundHandler(async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/'
    const methods = known.filter((r) => r.pattern.test(path)).map((r) => r.method)
    if (methods.length === 0) return sendError(reply, bareError(404))
    if (req.method === 'OPTIONS') {
      // JAX-RS answers OPTIONS itself, listing the methods of the resource (HEAD comes with GET).
      const all = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS']
      const allow = javaHashOrder(all)
      return reply.code(200).header('Allow', allow.join(',')).type('text/plain').send(allow.join(', '))
    }
    return sendError(reply, bareError(405))
  })
  app.setErrorHandler(async (err, _req, reply) => {
    const fastifyStatus = (err as { statusCode?: number; code?: string }).statusCode
    if (typeof fastifyStatus === 'number' && (err as { code?: string }).code?.startsWith('FST_') === true) {
      // Framework-level failures (e.g. body too large) keep their status, in Kafka Connect's error shape.
      return reply.code(fastifyStatus).send({ error_code: fastifyStatus, message: (err as Error).message })
    }
    return sendError(reply, err)
  })
  return app
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const { status, body } = toErrorResponse(err)
  if ((err as { bare?: boolean }).bare === true)
    (reply as FastifyReply & { sluiceBare?: boolean }).sluiceBare = true
  return reply.code(status).type('application/json').send(JSON.stringify(body))
}

/**
 * Creates Kafka Connect's REST server for a herder: every Kafka Connect 4.1 endpoint with its entities,
 * status codes and error messages, on the `listeners` of the worker config, `/admin/loggers` on
 * `admin.listeners` (or the regular listeners when unset; nowhere when empty), CORS and response header
 * rules, and an OpenAPI 3 document at `/openapi.json`.
 *
 * @throws {@link ConfigError} for invalid REST worker keys (Kafka's messages)
 *
 * @example
 * ```ts
 * const rest = createRestServer({ workerProps: { listeners: 'http://127.0.0.1:8083' } })
 * await rest.start()
 * const herder = createHerder({ workerId: rest.workerId(), ... })
 * rest.attachHerder(herder)
 * await herder.start()
 * // ... later
 * await rest.stop()
 * ```
 */
export async function createRestServer(options: RestServerOptions): Promise<RestServer> {
  const config = parseRestConfig(options.workerProps)
  const loggers = options.loggers ?? new LoggerLevels()
  let herder = options.herder
  const ctx: RouteContext = {
    herder: () => {
      if (herder === undefined) throw new RestError(503, 'Worker is still starting up.')
      return herder
    },
    config,
    loggers,
    serverInfo: options.serverInfo ?? { version: PACKAGE_VERSION, commit: 'unknown' },
    requestTimeoutMs: options.requestTimeoutMs ?? 90_000,
    healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? 10_000,
    onClusterLoggerLevel:
      options.onClusterLoggerLevel ??
      ((namespace, level) => {
        loggers.setLevel(namespace, level as Parameters<LoggerLevels['setLevel']>[1])
      }),
  }

  const separateAdmin = config.adminListeners !== null && config.adminListeners.length > 0
  const regularServers: Bound[] = []
  const adminServers: Bound[] = []
  const app = await buildApp(
    ctx,
    config,
    { regular: true, admin: config.adminListeners === null },
    regularServers,
    config.listeners,
  )
  const adminApp = separateAdmin
    ? await buildApp(ctx, config, { regular: false, admin: true }, adminServers, config.adminListeners ?? [])
    : null

  let localHost: string | undefined
  const listen = async (bound: Bound): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      bound.server.once('error', reject)
      const cb = (): void => {
        bound.server.off('error', reject)
        resolve()
      }
      if (bound.listener.host === '') bound.server.listen(bound.listener.port, cb)
      else bound.server.listen(bound.listener.port, bound.listener.host, cb)
    })
    bound.address = bound.server.address() as AddressInfo
  }

  const boundUrl = (b: Bound | undefined): string => {
    if (b?.address === undefined) throw new Error('the REST server is not started')
    const host = b.listener.host !== '' ? b.listener.host : (localHost ?? 'localhost')
    return urlOf(b.listener.protocol, host, b.address.port)
  }

  const server: RestServer = {
    async start() {
      if (
        config.listeners.some((l) => l.protocol === 'https') ||
        (config.adminListeners ?? []).some((l) => l.protocol === 'https')
      ) {
        // The listener structure carries the protocol; TLS settings (listeners.https.*) come with https support.
        throw new Error('https listeners are not supported yet')
      }
      await app.ready()
      if (adminApp !== null) await adminApp.ready()
      if (config.listeners.some((l) => l.host === '')) {
        // Like Jetty's default URI for a listener without host: this machine's address.
        localHost = await lookup(hostname()).then(
          (r) => r.address,
          () => 'localhost',
        )
      }
      for (const b of [...regularServers, ...adminServers]) await listen(b)
    },
    async stop() {
      const close = (b: Bound): Promise<void> =>
        new Promise((resolve) => {
          if (!b.server.listening) return resolve()
          b.server.close(() => resolve())
          b.server.closeIdleConnections()
        })
      await Promise.all([...regularServers, ...adminServers].map(close))
      await app.close()
      if (adminApp !== null) await adminApp.close()
    },
    attachHerder(h) {
      herder = h
    },
    get url() {
      return boundUrl(regularServers[0])
    },
    get adminUrl() {
      if (config.adminListeners === null) return boundUrl(regularServers[0])
      if (config.adminListeners.length === 0) return null
      return boundUrl(adminServers[0])
    },
    advertisedUrl() {
      const { protocol, host, port } = advertised()
      return urlOf(protocol, host, port)
    },
    workerId() {
      const { host, port } = advertised()
      return `${host}:${port}`
    },
    config,
    loggers,
    app,
    adminApp,
  }
  function advertised(): { protocol: 'http' | 'https'; host: string; port: number } {
    const protocol = advertisedProtocol(config)
    const b = regularServers.find((s) => s.listener.protocol === protocol)
    let host = config.advertisedHostName ?? ''
    if (host === '')
      host = b !== undefined && b.listener.host !== '' ? b.listener.host : (localHost ?? 'localhost')
    let port = config.advertisedPort
    if (port === null)
      port = b !== undefined && b.listener.port > 0 ? b.listener.port : (b?.address?.port ?? 0)
    return { protocol, host, port }
  }
  return server
}
