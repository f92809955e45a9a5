import {
  AlreadyExistsError,
  BadRequestError,
  type ConfigKeyInfo,
  ForbiddenError,
  NotFoundError,
} from '@sluice/api'
import type { Herder, PluginInfo } from '@sluice/runtime'

/**
 * A `Herder` that drives a *Java* Kafka Connect worker over its REST API. Serving Sluice's REST layer
 * (`@sluice/rest`) over it and comparing with Java directly (`SLUICE_COMPAT_AGAINST=rest-over-java`)
 * isolates differences of the REST layer from differences of Sluice's herder and worker.
 */

const BAD_REQUEST = 'org.apache.kafka.connect.runtime.rest.errors.BadRequestException: '

async function call(
  base: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const r = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await r.text()
  const json: unknown = text === '' ? undefined : JSON.parse(text)
  if (r.status >= 400) {
    const m = (json as { message?: string } | undefined)?.message ?? ''
    // Kafka's status codes back to the error classes Sluice's REST layer maps (ConnectExceptionMapper).
    if (r.status === 404) throw new NotFoundError(m)
    if (r.status === 409) throw new AlreadyExistsError(m)
    if (r.status === 400) throw new BadRequestError(m)
    if (r.status === 403) throw new ForbiddenError(m)
    if (m.startsWith(BAD_REQUEST)) throw new BadRequestError(m.slice(BAD_REQUEST.length))
    throw new Error(m)
  }
  return { status: r.status, json }
}

/**
 * Creates the proxy herder. `plugins` and `pluginConfig` are synchronous in the `Herder` interface, so the
 * plugin list and the configs of `pluginNames` are fetched once up front.
 */
export async function createProxyHerder(base: string, pluginNames: readonly string[]): Promise<Herder> {
  const e = encodeURIComponent
  const get = async <T>(p: string): Promise<T> => (await call(base, 'GET', p)).json as T
  const pluginsAll = await get<PluginInfo[]>('/connector-plugins?connectorsOnly=false')
  const configs = new Map<string, ConfigKeyInfo[]>()
  for (const n of pluginNames) configs.set(n, await get<ConfigKeyInfo[]>(`/connector-plugins/${e(n)}/config`))
  return {
    ready: true,
    async start() {},
    async stop() {},
    kafkaClusterId: async () => (await get<{ kafka_cluster_id: string }>('/')).kafka_cluster_id,
    connectors: () => get('/connectors'),
    connectorInfo: (n) => get(`/connectors/${e(n)}`),
    connectorConfig: (n) => get(`/connectors/${e(n)}/config`),
    connectorStatus: (n) => get(`/connectors/${e(n)}/status`),
    taskStatus: (id) => get(`/connectors/${e(id.connector)}/tasks/${id.task}/status`),
    taskConfigs: (n) => get(`/connectors/${e(n)}/tasks`),
    async putConnectorConfig(name, config, o) {
      if (!o.allowReplace) {
        const state =
          o.initialState === undefined ? undefined : o.initialState === 'STARTED' ? 'RUNNING' : o.initialState
        const r = await call(base, 'POST', '/connectors', {
          name,
          config,
          ...(state !== undefined && { initial_state: state }),
        })
        return { created: true, info: r.json as never }
      }
      const r = await call(base, 'PUT', `/connectors/${e(name)}/config`, config)
      return { created: r.status === 201, info: r.json as never }
    },
    patchConnectorConfig: async (n, p) =>
      (await call(base, 'PATCH', `/connectors/${e(n)}/config`, p)).json as never,
    deleteConnector: async (n) => void (await call(base, 'DELETE', `/connectors/${e(n)}`)),
    pauseConnector: async (n) => void (await call(base, 'PUT', `/connectors/${e(n)}/pause`)),
    resumeConnector: async (n) => void (await call(base, 'PUT', `/connectors/${e(n)}/resume`)),
    stopConnector: async (n) => void (await call(base, 'PUT', `/connectors/${e(n)}/stop`)),
    async restartConnector(r) {
      const x = await call(
        base,
        'POST',
        `/connectors/${e(r.connector)}/restart?includeTasks=${r.includeTasks}&onlyFailed=${r.onlyFailed}`,
      )
      return x.status === 204 ? null : (x.json as never)
    },
    restartTask: async (id) =>
      void (await call(base, 'POST', `/connectors/${e(id.connector)}/tasks/${id.task}/restart`)),
    connectorOffsets: (n) => get(`/connectors/${e(n)}/offsets`),
    async modifyConnectorOffsets(n, o) {
      const r =
        o === null
          ? await call(base, 'DELETE', `/connectors/${e(n)}/offsets`)
          : await call(base, 'PATCH', `/connectors/${e(n)}/offsets`, { offsets: o })
      return (r.json as { message: string }).message
    },
    connectorActiveTopics: async (n) =>
      (await get<Record<string, { topics: string[] }>>(`/connectors/${e(n)}/topics`))[n]?.topics ?? [],
    resetConnectorActiveTopics: async (n) =>
      void (await call(base, 'PUT', `/connectors/${e(n)}/topics/reset`)),
    plugins: (only) =>
      only ? pluginsAll.filter((p) => p.type === 'sink' || p.type === 'source') : pluginsAll,
    pluginConfig(n) {
      const c = configs.get(n)
      if (c === undefined) throw new NotFoundError(`Unknown plugin ${n}.`)
      return c
    },
    validateConnectorConfig: async (c) =>
      (
        await call(
          base,
          'PUT',
          `/connector-plugins/${e(c['connector.class'] ?? 'Connector')}/config/validate`,
          c,
        )
      ).json as never,
  }
}
