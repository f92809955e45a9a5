import { createRestServer } from '@sluice/rest'
import type { Herder } from '@sluice/runtime'

/**
 * The one place where `sluice standalone` starts Kafka Connect's REST API (Kafka's `ConnectRestServer` in
 * `AbstractConnectCli.startConnect`). The server is bound before the herder exists, because the worker id
 * statuses carry is derived from its advertised URL; until {@link RestHandle.attach} it answers 503
 * `Worker is still starting up.`.
 */

/** A started REST API. */
export interface RestHandle {
  /** `host:port` from the advertised URL (`rest.advertised.*`, else the first listener). */
  readonly workerId: string
  /** Where clients reach it, e.g. `http://127.0.0.1:8083/`. */
  readonly url: string
  /** Serves the herder from now on. */
  attach(herder: Herder): void
  /** Closes the listeners (in-flight requests finish first). */
  stop(): Promise<void>
}

/**
 * Starts the REST server on the worker's `listeners` (and `admin.listeners`).
 * @param workerProps the worker properties as written (REST keys, CORS, header rules, topic tracking)
 * @param metrics `GET /metrics` (Prometheus text from the telemetry; undefined until it is started)
 */
export async function startRestServer(
  workerProps: Readonly<Record<string, string>>,
  metrics?: () => Promise<string> | undefined,
): Promise<RestHandle> {
  const server = await createRestServer({ workerProps, ...(metrics !== undefined && { metrics }) })
  await server.start()
  return {
    workerId: server.workerId(),
    url: server.url,
    attach: (herder) => server.attachHerder(herder),
    stop: () => server.stop(),
  }
}
