import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import {
  Connection,
  type ConnectionOptions,
  findCoordinatorV6,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  ResponseError,
  syncGroupV5,
} from '@platformatic/kafka'
import './promise-with-resolvers.js'

/**
 * The classic group protocol requests (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup) for
 * a group of any protocol type, on `@platformatic/kafka`'s raw API (ADR 0021): librdkafka can only join
 * `consumer` groups, and Connect workers form `connect` groups. TLS and SASL (PLAIN, SCRAM-SHA-256/512,
 * OAUTHBEARER) come from the worker's Kafka client keys. The state machine that drives these calls (when
 * to heartbeat, rejoin, leave) lives in the runtime, on its injected clock.
 */

/** Kafka error codes the group state machine acts on. */
export const GroupErrors = {
  NONE: 0,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  GROUP_AUTHORIZATION_FAILED: 30,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
} as const

/** A failed group request, with Kafka's error code. */
export class GroupProtocolError extends Error {
  constructor(
    readonly api: string,
    readonly errorCode: number,
    readonly memberId?: string,
    options?: ErrorOptions,
  ) {
    super(`${api} failed with Kafka error ${errorCode}${errorName(errorCode)}`, options)
    this.name = 'GroupProtocolError'
  }
}

function errorName(code: number): string {
  const name = Object.entries(GroupErrors).find(([, c]) => c === code)?.[0]
  return name === undefined ? '' : ` (${name})`
}

/** How to reach the brokers: `bootstrap.servers` plus the security keys of a Kafka client config. */
export interface GroupClientOptions {
  readonly bootstrapServers: string
  readonly clientId: string
  readonly groupId: string
  /** Kafka client keys (`security.protocol`, `sasl.*`, `ssl.*`), as the worker properties give them. */
  readonly security?: Readonly<Record<string, string>>
  readonly requestTimeoutMs?: number
}

export interface JoinedGroup {
  readonly generation: number
  readonly memberId: string
  readonly leaderId: string
  readonly protocol: string
  /** Filled for the leader only. */
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly metadata: Buffer }>
}

/**
 * Translates Kafka client security keys into `@platformatic/kafka` connection options. Keys it cannot
 * honour are an error naming the key, never silently ignored.
 */
export function connectionSecurity(props: Readonly<Record<string, string>>): ConnectionOptions {
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase()
  const out: ConnectionOptions = {}
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol))
    throw new Error(`security.protocol=${protocol} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`)
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.tls = tlsOptions(props)
  if (protocol.startsWith('SASL_')) {
    const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').toUpperCase()
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'].includes(mechanism))
      throw new Error(
        `sasl.mechanism=${mechanism} is not supported for the Connect group; use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER`,
      )
    const jaas = props['sasl.jaas.config'] ?? ''
    const opt = (name: string) => new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1]
    if (mechanism === 'OAUTHBEARER') {
      const token = opt('token') ?? props['sasl.oauthbearer.token']
      if (token === undefined)
        throw new Error('sasl.mechanism=OAUTHBEARER needs a token="…" option in sasl.jaas.config')
      out.sasl = { mechanism, token }
    } else {
      const username = opt('username')
      const password = opt('password')
      if (username === undefined || password === undefined)
        throw new Error(`sasl.mechanism=${mechanism} needs username="…" and password="…" in sasl.jaas.config`)
      out.sasl = { mechanism: mechanism as 'PLAIN', username, password }
    }
  }
  return out
}

/**
 * The TLS/SASL settings of a librdkafka config map (what `KafkaAdmin` and `KafkaLog` are created with) as
 * `@platformatic/kafka` connection options, for the admin requests librdkafka does not expose: the same
 * cluster, the same credentials.
 */
export function librdkafkaSecurity(
  config: Readonly<Record<string, string | number | boolean>>,
): ConnectionOptions {
  const str = (k: string) => (config[k] === undefined ? undefined : String(config[k]))
  const protocol = (str('security.protocol') ?? 'PLAINTEXT').toUpperCase()
  const out: ConnectionOptions = {}
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const tls: TlsOptions = {}
    const ca = str('ssl.ca.location')
    if (ca !== undefined && ca !== '') tls.ca = readFileSync(ca)
    const caPem = str('ssl.ca.pem')
    if (caPem !== undefined) tls.ca = caPem
    const cert = str('ssl.certificate.location')
    if (cert !== undefined && cert !== '') tls.cert = readFileSync(cert)
    const key = str('ssl.key.location')
    if (key !== undefined && key !== '') tls.key = readFileSync(key)
    const pass = str('ssl.key.password')
    if (pass !== undefined) tls.passphrase = pass
    if (str('enable.ssl.certificate.verification') === 'false') tls.rejectUnauthorized = false
    if (str('ssl.endpoint.identification.algorithm') === 'none') tls.checkServerIdentity = () => undefined
    out.tls = tls
  }
  if (protocol.startsWith('SASL_')) {
    const mechanism = (str('sasl.mechanism') ?? str('sasl.mechanisms') ?? 'GSSAPI').toUpperCase()
    const username = str('sasl.username')
    const password = str('sasl.password')
    if (
      !['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism) ||
      username === undefined ||
      password === undefined
    )
      throw new Error(
        `sasl.mechanism=${mechanism}: admin requests need PLAIN or SCRAM credentials (sasl.jaas.config with username="…" password="…")`,
      )
    out.sasl = { mechanism: mechanism as 'PLAIN', username, password }
  }
  return out
}

function tlsOptions(props: Readonly<Record<string, string>>): TlsOptions {
  const tls: TlsOptions = {}
  const read = (key: string) => {
    const file = props[key]
    return file === undefined || file === '' ? undefined : readFileSync(file)
  }
  const storeType = (key: string) => (props[key] ?? 'JKS').toUpperCase()
  if (props['ssl.truststore.location'] !== undefined) {
    if (storeType('ssl.truststore.type') !== 'PEM')
      throw new Error(
        'ssl.truststore.type must be PEM for Sluice (convert the JKS/PKCS12 truststore with keytool)',
      )
    tls.ca = read('ssl.truststore.location')
  }
  if (props['ssl.truststore.certificates'] !== undefined) tls.ca = props['ssl.truststore.certificates']
  if (props['ssl.keystore.location'] !== undefined) {
    const t = storeType('ssl.keystore.type')
    if (t === 'PKCS12') {
      tls.pfx = read('ssl.keystore.location')
      tls.passphrase = props['ssl.keystore.password']
    } else if (t === 'PEM') {
      const pem = read('ssl.keystore.location')
      tls.cert = pem
      tls.key = pem
      tls.passphrase = props['ssl.key.password']
    } else throw new Error('ssl.keystore.type must be PKCS12 or PEM for Sluice')
  }
  if ((props['ssl.endpoint.identification.algorithm'] ?? 'https') === '')
    tls.checkServerIdentity = () => undefined
  return tls
}

/**
 * Runs `fn` on a short-lived connection to the first bootstrap broker that answers (each tried in turn);
 * the connection is closed afterwards.
 */
export async function withBootstrapConnection<T>(
  servers: string,
  clientId: string,
  options: ConnectionOptions,
  fn: (c: Connection) => Promise<T>,
): Promise<T> {
  let last: unknown
  for (const server of servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const i = server.lastIndexOf(':')
    const c = new Connection(clientId, options)
    try {
      await c.connect(server.slice(0, i), Number(server.slice(i + 1)))
    } catch (err) {
      last = err
      await c.close().catch(() => undefined)
      continue
    }
    try {
      return await fn(c)
    } finally {
      await c.close().catch(() => undefined)
    }
  }
  throw new Error(`no broker of ${servers} answered: ${String(last)}`, { cause: last })
}

/** The Kafka error code of a failed `@platformatic/kafka` request, if it carries one. */
export function codeOf(err: unknown): number | undefined {
  if (err instanceof ResponseError) {
    const first = (err as unknown as { errors?: Array<{ apiId?: string; apiCode?: number }> }).errors?.[0]
    if (typeof first?.apiCode === 'number') return first.apiCode
    const resp = (err as unknown as { response?: { errorCode?: number } }).response
    if (typeof resp?.errorCode === 'number') return resp.errorCode
  }
  return undefined
}

/** One connection to the group coordinator, re-resolved on NOT_COORDINATOR. */
export class GroupClient {
  readonly #options: GroupClientOptions
  readonly #connection: ConnectionOptions
  #coordinator: Connection | undefined

  constructor(options: GroupClientOptions) {
    this.#options = options
    this.#connection = {
      ...connectionSecurity(options.security ?? {}),
      requestTimeout: options.requestTimeoutMs ?? 40_000,
      connectTimeout: 10_000,
    }
  }

  #bootstrap<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    return withBootstrapConnection(
      this.#options.bootstrapServers,
      this.#options.clientId,
      this.#connection,
      fn,
    )
  }

  /** FindCoordinator (key type GROUP) and a connection to it. */
  async coordinator(): Promise<Connection> {
    if (this.#coordinator?.isConnected()) return this.#coordinator
    const found = await this.#bootstrap((c) => findCoordinatorV6.api.async(c, 0, [this.#options.groupId]))
    const co = found.coordinators[0]
    if (co === undefined || co.errorCode !== 0)
      throw new GroupProtocolError('FindCoordinator', co?.errorCode ?? GroupErrors.COORDINATOR_NOT_AVAILABLE)
    const c = new Connection(this.#options.clientId, this.#connection)
    await c.connect(co.host, co.port)
    this.#coordinator = c
    return c
  }

  async #call<T>(api: string, fn: (c: Connection) => Promise<T>): Promise<T> {
    const c = await this.coordinator()
    try {
      return await fn(c)
    } catch (err) {
      const code = codeOf(err)
      if (
        code === GroupErrors.NOT_COORDINATOR ||
        code === GroupErrors.COORDINATOR_NOT_AVAILABLE ||
        code === undefined
      )
        await this.disconnect()
      if (code !== undefined) {
        const memberId = (err as { response?: { memberId?: string } }).response?.memberId
        throw new GroupProtocolError(api, code, memberId, { cause: err })
      }
      throw err
    }
  }

  /**
   * JoinGroup v9. MEMBER_ID_REQUIRED is answered by rejoining with the id the coordinator gave, as Java
   * does; other errors throw {@link GroupProtocolError}.
   */
  async join(opts: {
    memberId: string
    protocolType: string
    protocols: ReadonlyArray<{ name: string; metadata: Buffer }>
    sessionTimeoutMs: number
    rebalanceTimeoutMs: number
    reason?: string
  }): Promise<JoinedGroup> {
    let memberId = opts.memberId
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#call('JoinGroup', (c) =>
          joinGroupV9.api.async(
            c,
            this.#options.groupId,
            opts.sessionTimeoutMs,
            opts.rebalanceTimeoutMs,
            memberId,
            null,
            opts.protocolType,
            opts.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
            opts.reason ?? null,
          ),
        )
        return {
          generation: r.generationId,
          memberId: r.memberId,
          leaderId: r.leader,
          protocol: r.protocolName ?? '',
          members: r.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata })),
        }
      } catch (err) {
        if (
          err instanceof GroupProtocolError &&
          err.errorCode === GroupErrors.MEMBER_ID_REQUIRED &&
          attempt < 3
        ) {
          memberId = err.memberId ?? memberId
          continue
        }
        throw err
      }
    }
  }

  /** SyncGroup v5; the leader passes one assignment per member, followers none. Returns this member's. */
  async sync(opts: {
    generation: number
    memberId: string
    protocolType: string
    protocol: string
    assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>
  }): Promise<Buffer> {
    const r = await this.#call('SyncGroup', (c) =>
      syncGroupV5.api.async(
        c,
        this.#options.groupId,
        opts.generation,
        opts.memberId,
        null,
        opts.protocolType,
        opts.protocol,
        opts.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
      ),
    )
    return r.assignment
  }

  /** Heartbeat v4; throws {@link GroupProtocolError} (27 = rebalance, 22/25 = rejoin). */
  async heartbeat(generation: number, memberId: string): Promise<void> {
    await this.#call('Heartbeat', (c) =>
      heartbeatV4.api.async(c, this.#options.groupId, generation, memberId, null),
    )
  }

  /** LeaveGroup v5 for this member. */
  async leave(memberId: string, reason: string): Promise<void> {
    await this.#call('LeaveGroup', (c) =>
      leaveGroupV5.api.async(c, this.#options.groupId, [{ memberId, groupInstanceId: null, reason }]),
    )
  }

  async disconnect(): Promise<void> {
    const c = this.#coordinator
    this.#coordinator = undefined
    await c?.close().catch(() => undefined)
  }
}
