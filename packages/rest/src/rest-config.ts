import { ConfigDef, ConfigError, LambdaValidator } from '@sluice/api'

/**
 * The REST worker keys (Kafka Connect's `RestServerConfig`) with Kafka's names, defaults, docs and
 * validation messages, parsed into a {@link RestConfig}.
 */

/** A parsed `listeners` / `admin.listeners` entry. */
export interface Listener {
  /** The entry as configured. */
  readonly raw: string
  readonly protocol: 'http' | 'https'
  /** Host to bind; empty = the default interface (all addresses). */
  readonly host: string
  readonly port: number
}

/** One `response.http.headers.config` rule, e.g. `set X-Frame-Options: DENY`. */
export interface HeaderRule {
  readonly action: 'set' | 'add' | 'setDate' | 'addDate'
  readonly name: string
  readonly value: string
}

/** The parsed REST settings of a worker. */
export interface RestConfig {
  readonly listeners: readonly Listener[]
  /** `null`: admin endpoints on the regular listeners; empty: admin endpoints disabled. */
  readonly adminListeners: readonly Listener[] | null
  /** `listeners` as given (Kafka uses it to pick the advertised protocol). */
  readonly rawListeners: string | null
  readonly advertisedHostName: string | null
  readonly advertisedPort: number | null
  readonly advertisedListener: string | null
  readonly allowedOrigins: string
  readonly allowedMethods: string
  readonly responseHeaders: readonly HeaderRule[]
  readonly topicTrackingEnabled: boolean
  readonly topicTrackingResetEnabled: boolean
}

const HEADER_ACTIONS = ['set', 'add', 'setDate', 'addDate'] as const

/** Jetty's `StringUtil.csvSplit`: comma-separated, double-quoted items may contain commas, items trimmed. */
export function csvSplit(value: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  let wasQuoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string
    if (quoted) {
      if (c === '\\' && i + 1 < value.length) cur += value[++i]
      else if (c === '"') quoted = false
      else cur += c
    } else if (wasQuoted && c !== ',') {
      // Whitespace after a closing quote is not part of the item.
    } else if (c === '"' && cur.trim() === '') {
      quoted = true
      wasQuoted = true
      cur = ''
    } else if (c === ',') {
      if (wasQuoted || cur.trim() !== '') out.push(wasQuoted ? cur : cur.trim())
      cur = ''
      wasQuoted = false
    } else {
      cur += c
    }
  }
  if (wasQuoted || cur.trim() !== '') out.push(wasQuoted ? cur : cur.trim())
  return out
}

/** Parses one header rule with Kafka's validation messages (`RestServerConfig.validateHttpResponseHeaderConfig`). */
export function parseHeaderRule(config: string): HeaderRule {
  const tokens = splitLimit(config.trim(), /\s+/, 2)
  if (tokens.length !== 2) {
    throw new ConfigError(
      `Invalid format of header config '${config}'. Expected: '[action] [header name]:[header value]'`,
    )
  }
  const method = (tokens[0] as string).trim()
  const action = HEADER_ACTIONS.find((a) => a.toLowerCase() === method.toLowerCase())
  if (action === undefined) {
    throw new ConfigError(
      `Invalid header config action: '${method}'. Expected one of [${HEADER_ACTIONS.join(', ')}]`,
    )
  }
  const header = tokens[1] as string
  // Java's String.split(":") drops trailing empty strings, so "Name:" has one token.
  const headerTokens = header.trim().split(':')
  while (headerTokens.length > 0 && headerTokens[headerTokens.length - 1] === '') headerTokens.pop()
  if (headerTokens.length !== 2) {
    throw new ConfigError(
      `Invalid format of header name and header value pair '${header}'. Expected: '[header name]:[header value]'`,
    )
  }
  const name = (headerTokens[0] as string).trim()
  if (name === '' || /\s/.test(name)) {
    throw new ConfigError(`Invalid header name '${name}'. The '[header name]' cannot contain whitespace`)
  }
  return { action, name, value: (headerTokens[1] as string).trim() }
}

function splitLimit(s: string, re: RegExp, limit: number): string[] {
  const m = re.exec(s)
  if (m === null || limit < 2) return [s]
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)]
}

const LISTENER_RE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/

/** Parses `protocol://host:port` like Kafka's `RestServer.createConnector`. */
export function parseListener(raw: string): Listener {
  const m = LISTENER_RE.exec(raw)
  if (m === null) throw new ConfigError("Listener doesn't have the right format (protocol://hostname:port).")
  const protocol = (m[1] as string).toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') {
    throw new ConfigError('Listener protocol must be either "http" or "https".')
  }
  return { raw, protocol, host: m[2] as string, port: Number.parseInt(m[3] as string, 10) }
}

const listenersValidator = LambdaValidator.with(
  (_name, value) => {
    const items = value as string[]
    if (items.length === 0) {
      throw new ConfigError(
        'Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443.',
      )
    }
    if (items.some((i) => i.trim() === ''))
      throw new ConfigError('Empty URL found when parsing listeners list.')
  },
  () => 'List of comma-separated URLs, ex: http://localhost:8080,https://localhost:8443.',
)

const adminListenersValidator = LambdaValidator.with(
  (_name, value) => {
    if (value === null) return
    if ((value as string[]).some((i) => i.trim() === ''))
      throw new ConfigError('Empty URL found when parsing admin.listeners list.')
  },
  () => 'List of comma-separated URLs, ex: http://localhost:8080,https://localhost:8443.',
)

const headersValidator = LambdaValidator.with((_name, value) => {
  const s = value as string | null
  if (s === null || s.trim() === '') return
  for (const rule of csvSplit(s)) parseHeaderRule(rule)
})

/** The REST keys of the worker config, as Kafka Connect defines them (`RestServerConfig.addPublicConfig`). */
export const REST_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: 'listeners',
    type: 'LIST',
    defaultValue: 'http://:8083',
    validator: listenersValidator,
    importance: 'LOW',
    documentation:
      'List of comma-separated URIs the REST API will listen on. The supported protocols are HTTP and HTTPS.\n Specify hostname as 0.0.0.0 to bind to all interfaces.\n Leave hostname empty to bind to default interface.\n Examples of legal listener lists: HTTP://myhost:8083,HTTPS://myhost:8084',
  })
  .define({
    name: 'rest.advertised.host.name',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'If this is set, this is the hostname that will be given out to other workers to connect to.',
  })
  .define({
    name: 'rest.advertised.port',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'If this is set, this is the port that will be given out to other workers to connect to.',
  })
  .define({
    name: 'rest.advertised.listener',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'Sets the advertised listener (HTTP or HTTPS) which will be given to other workers to use.',
  })
  .define({
    name: 'access.control.allow.origin',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      "Value to set the Access-Control-Allow-Origin header to for REST API requests.To enable cross origin access, set this to the domain of the application that should be permitted to access the API, or '*' to allow access from any domain. The default value only allows access from the domain of the REST API.",
  })
  .define({
    name: 'access.control.allow.methods',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      'Sets the methods supported for cross origin requests by setting the Access-Control-Allow-Methods header. The default value of the Access-Control-Allow-Methods header allows cross origin requests for GET, POST and HEAD.',
  })
  .define({
    name: 'response.http.headers.config',
    type: 'STRING',
    defaultValue: '',
    validator: headersValidator,
    importance: 'LOW',
    documentation: 'Rules for REST API HTTP response headers',
  })
  .define({
    name: 'admin.listeners',
    type: 'LIST',
    defaultValue: null,
    validator: adminListenersValidator,
    importance: 'LOW',
    documentation:
      "List of comma-separated URIs the Admin REST API will listen on. The supported protocols are HTTP and HTTPS. An empty or blank string will disable this feature. The default behavior is to use the regular listener (specified by the 'listeners' property).",
  })
  .define({
    name: 'topic.tracking.enable',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation: 'Enable tracking the set of active topics per connector during runtime.',
  })
  .define({
    name: 'topic.tracking.allow.reset',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation: 'If set to true, it allows user requests to reset the set of active topics per connector.',
  })

/**
 * Parses the REST keys of a worker config (other keys are ignored).
 * @throws {@link ConfigError} with Kafka's messages
 *
 * @example
 * ```ts
 * parseRestConfig({ listeners: 'http://127.0.0.1:8083', 'admin.listeners': '' }).adminListeners // []
 * ```
 */
export function parseRestConfig(props: Readonly<Record<string, string>>): RestConfig {
  const v = REST_CONFIG_DEF.parse(props)
  const admin = v['admin.listeners'] as string[] | null
  return {
    listeners: (v.listeners as string[]).map(parseListener),
    adminListeners: admin === null ? null : admin.map(parseListener),
    rawListeners: props.listeners ?? null,
    advertisedHostName: (v['rest.advertised.host.name'] as string | null) ?? null,
    advertisedPort: (v['rest.advertised.port'] as number | null) ?? null,
    advertisedListener: (v['rest.advertised.listener'] as string | null) ?? null,
    allowedOrigins: (v['access.control.allow.origin'] as string | null) ?? '',
    allowedMethods: (v['access.control.allow.methods'] as string | null) ?? '',
    responseHeaders: csvSplit((v['response.http.headers.config'] as string | null) ?? '').map(
      parseHeaderRule,
    ),
    topicTrackingEnabled: v['topic.tracking.enable'] as boolean,
    topicTrackingResetEnabled: v['topic.tracking.allow.reset'] as boolean,
  }
}

/** The advertised protocol (Kafka's `RestServer.determineAdvertisedProtocol`). */
export function advertisedProtocol(config: RestConfig): 'http' | 'https' {
  if (config.advertisedListener !== null)
    return config.advertisedListener.toLowerCase() === 'https' ? 'https' : 'http'
  const raw = config.rawListeners?.toLowerCase()
  if (raw === undefined) return 'http'
  if (raw.includes('http://')) return 'http'
  if (raw.includes('https://')) return 'https'
  return 'http'
}
