import type { HeaderRule } from './rest-config.js'

/**
 * The servlet filters Kafka Connect installs in front of its resources: Jetty's `CrossOriginFilter` (when
 * `access.control.allow.origin` is set) and Jetty's `HeaderFilter` (`response.http.headers.config`).
 * They are written framework-free: each takes request headers and returns the response headers to add.
 */

/** A response header to set (replacing) or add (appending). */
export interface HeaderAction {
  readonly mode: 'set' | 'add'
  readonly name: string
  readonly value: string
}

/** `response.http.headers.config` rules applied to a response (Jetty's `HeaderFilter`). */
export function headerRuleActions(rules: readonly HeaderRule[], now: number = Date.now()): HeaderAction[] {
  return rules.map((r) => {
    switch (r.action) {
      case 'set':
        return { mode: 'set', name: r.name, value: r.value }
      case 'add':
        return { mode: 'add', name: r.name, value: r.value }
      case 'setDate':
        return { mode: 'set', name: r.name, value: new Date(now + Number(r.value)).toUTCString() }
      default:
        return { mode: 'add', name: r.name, value: new Date(now + Number(r.value)).toUTCString() }
    }
  })
}

const DEFAULT_ALLOWED_METHODS = 'GET,POST,HEAD'
const DEFAULT_ALLOWED_HEADERS = ['X-Requested-With', 'Content-Type', 'Accept', 'Origin']
const PREFLIGHT_MAX_AGE = '1800'

/** Jetty `CrossOriginFilter` settings derived from the worker config. */
export class CorsPolicy {
  readonly #anyOrigin: boolean
  readonly #origins: readonly RegExp[]
  readonly #methods: readonly string[]

  /**
   * @param allowedOrigins `access.control.allow.origin`: `*`, or comma-separated origins (`*` wildcards allowed)
   * @param allowedMethods `access.control.allow.methods`; empty means `GET,POST,HEAD`
   */
  constructor(allowedOrigins: string, allowedMethods: string) {
    const origins = allowedOrigins
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '')
    this.#anyOrigin = origins.includes('*')
    this.#origins = origins.map(
      (o) => new RegExp(`^${o.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
    )
    this.#methods = (allowedMethods.trim() === '' ? DEFAULT_ALLOWED_METHODS : allowedMethods)
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '')
  }

  #originAllowed(origin: string): boolean {
    if (this.#anyOrigin) return true
    // Jetty matches each origin of a space-separated Origin list.
    return origin
      .trim()
      .split(/\s+/)
      .some((o) => this.#origins.some((re) => re.test(o)))
  }

  /**
   * The CORS headers for a request. Preflights (`OPTIONS` with `Access-Control-Request-Method`) get the
   * allowed methods/headers only when the requested ones are allowed; like Jetty's default
   * (`chainPreflight=true`) the request then continues to the resource.
   */
  headers(method: string, header: (name: string) => string | undefined): HeaderAction[] {
    const origin = header('origin')
    if (origin === undefined || !this.#originAllowed(origin)) return []
    const upgrade = header('upgrade')
    if (upgrade !== undefined && upgrade.toLowerCase() === 'websocket') return []
    const common: HeaderAction[] = [{ mode: 'set', name: 'Access-Control-Allow-Origin', value: origin }]
    if (!this.#anyOrigin) common.push({ mode: 'add', name: 'Vary', value: 'Origin' })
    common.push({ mode: 'set', name: 'Access-Control-Allow-Credentials', value: 'true' })
    const requestedMethod = header('access-control-request-method')
    const simple = method === 'GET' || method === 'HEAD' || method === 'POST'
    if (simple || method !== 'OPTIONS' || requestedMethod === undefined) return common
    if (!this.#methods.includes(requestedMethod.trim())) return []
    const requestedHeaders = (header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '')
    const allowed = DEFAULT_ALLOWED_HEADERS.map((h) => h.toLowerCase())
    if (!requestedHeaders.every((h) => allowed.includes(h.toLowerCase()))) return []
    return [
      ...common,
      { mode: 'set', name: 'Access-Control-Max-Age', value: PREFLIGHT_MAX_AGE },
      { mode: 'set', name: 'Access-Control-Allow-Methods', value: this.#methods.join(',') },
      { mode: 'set', name: 'Access-Control-Allow-Headers', value: DEFAULT_ALLOWED_HEADERS.join(',') },
    ]
  }
}
