import { ConfigDef, ConfigError, ConnectError } from '@sluice/api'
import { clusterId, connectionSecurity } from '@sluice/kafka'
import { createRestServer, LoggerLevels, REST_CONFIG_DEF } from '@sluice/rest'
import {
  createWorker,
  DISTRIBUTED_CONFIG_DEF,
  DistributedHerder,
  loadPluginRegistry,
  parseDistributedSettings,
  toLibrdkafkaConfig,
} from '@sluice/runtime'
import { CliError } from './cli-error.js'
import { type CliLogger, consoleLogger, describeError } from './logger.js'
import type { SignalSource } from './standalone.js'
import { readWorkerProps } from './standalone.js'
import { startTelemetry, TELEMETRY_KEYS, type TelemetryHandle } from './telemetry-sdk.js'
import { parseStandaloneConfig, WORKER_CONFIG_DEF } from './worker-config.js'

/**
 * `sluice distributed worker.properties` (Kafka's `ConnectDistributed`, also installed as
 * `connect-distributed`): validates the worker properties (WorkerConfig + REST + DistributedConfig keys),
 * starts the REST API, then the distributed herder, which creates and checks the internal topics, reads
 * them and joins the Connect group `group.id`.
 */

export const DISTRIBUTED_USAGE = 'worker.properties'

/** Kafka's `DistributedConfig` with the worker and REST keys. */
export const DISTRIBUTED_WORKER_CONFIG_DEF: ConfigDef = new ConfigDef(WORKER_CONFIG_DEF)
  .merge(REST_CONFIG_DEF, 'keep')
  .merge(DISTRIBUTED_CONFIG_DEF, 'keep')

/** Client keys that reach the internal-topic clients and the group connection. */
const CLIENT_KEY =
  /^(bootstrap\.servers|client\.dns\.lookup|security\.protocol|sasl\.|ssl\.|request\.timeout\.ms$)/

export interface RunningDistributed {
  readonly herder: DistributedHerder
  readonly url: string
  stop(): Promise<void>
}

export async function startDistributed(options: {
  workerPropsFile: string
  logger?: CliLogger | undefined
}): Promise<RunningDistributed> {
  const log = options.logger ?? consoleLogger
  const file = options.workerPropsFile
  const props = readWorkerProps(file)
  const pluginPath = (props['plugin.path'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  const plugins = await loadPluginRegistry(pluginPath)
  parseStandaloneConfig(file, props, plugins, DISTRIBUTED_WORKER_CONFIG_DEF)
  let settings: ReturnType<typeof parseDistributedSettings>
  try {
    settings = parseDistributedSettings(props)
  } catch (err) {
    throw new CliError(`invalid worker configuration in ${file}: ${(err as ConfigError).message}`, 2, {
      cause: err,
    })
  }
  const loggers = new LoggerLevels()
  let herder: DistributedHerder | undefined
  // telemetry: /metrics on the REST listeners unless telemetry.metrics.prometheus.enable=false.
  let telemetry: TelemetryHandle | undefined
  const prometheusOn = (props[TELEMETRY_KEYS.prometheusEnable] ?? 'true') === 'true'
  const rest = await createRestServer({
    workerProps: props,
    loggers,
    ...(prometheusOn && { metrics: () => telemetry?.prometheus?.() }),
    onClusterLoggerLevel: async (namespace, level) => {
      if (herder === undefined) throw new ConnectError('XC_ILLEGAL_STATE', 'Worker is still starting up.')
      await herder.putClusterLoggerLevel(namespace, level)
    },
  }).catch((err: unknown) => {
    throw new CliError(`cannot start the REST API: ${describeError(err)}`, 2, { cause: err })
  })
  await rest.start().catch((err: unknown) => {
    throw new CliError(
      `cannot start the REST API on ${props.listeners ?? 'http://:8083'}: ${describeError(err)}`,
      2,
      {
        cause: err,
      },
    )
  })
  // Before the herder creates its worker: the worker reads the tracer and the bridge must listen.
  try {
    telemetry = await startTelemetry(props, rest.workerId(), process.env, log)
  } catch (err) {
    await rest.stop().catch(() => undefined)
    throw new CliError(`cannot start the telemetry: ${describeError(err)}`, 2, { cause: err })
  }
  const clientProps = Object.fromEntries(Object.entries(props).filter(([k]) => CLIENT_KEY.test(k)))
  const bootstrap = props['bootstrap.servers'] ?? 'localhost:9092'
  herder = new DistributedHerder({
    settings,
    workerProps: props,
    kafkaClient: toLibrdkafkaConfig({ ...clientProps, 'bootstrap.servers': bootstrap }),
    securityProps: clientProps,
    bootstrapServers: bootstrap,
    restUrl: rest.advertisedUrl(),
    worker: (listener, offsetStore) => createWorker({ props, listener, offsetStore }),
    kafkaClusterId: () => clusterId(bootstrap, connectionSecurity(clientProps)),
    onLoggerLevel: (namespace, level) =>
      loggers.setLevel(namespace, level as Parameters<LoggerLevels['setLevel']>[1]),
    logger: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m, err) => log.error(m, err),
    },
  })
  try {
    await herder.start()
  } catch (err) {
    await rest.stop().catch(() => undefined)
    await telemetry.stop().catch(() => undefined)
    const detail = err instanceof ConfigError || ConnectError.is(err) ? err.message : describeError(err)
    throw new CliError(`cannot start the distributed worker: ${detail}`, 2, { cause: err })
  }
  rest.attachHerder(herder)
  log.info(
    `Kafka Connect distributed worker started; REST API at ${rest.url} (worker id ${herder.workerId}, group ${settings.groupId})`,
  )
  let stopping: Promise<void> | undefined
  const h = herder
  const t = telemetry
  return {
    herder: h,
    url: rest.url,
    stop: () => {
      stopping ??= (async () => {
        await h.stop().catch((err: unknown) => log.error('Error while stopping the herder', err))
        await rest.stop().catch((err: unknown) => log.error('Error while stopping the REST API', err))
        await t.stop().catch((err: unknown) => log.error('Error while stopping the telemetry', err))
      })()
      return stopping
    },
  }
}

/** Runs until SIGINT/SIGTERM; a graceful stop leaves the group at once. Resolves with the exit code. */
export async function runDistributed(options: {
  workerPropsFile: string
  logger?: CliLogger | undefined
  signals?: SignalSource
}): Promise<number> {
  const log = options.logger ?? consoleLogger
  const signals = options.signals ?? process
  let signalled: (() => void) | undefined
  const signalledPromise = new Promise<void>((resolve) => {
    signalled = resolve
  })
  const onSignal = () => {
    log.info('Kafka Connect stopping')
    signalled?.()
  }
  signals.on('SIGINT', onSignal)
  signals.on('SIGTERM', onSignal)
  try {
    const running = await startDistributed(options)
    await signalledPromise
    await running.stop()
    log.info('Kafka Connect stopped')
    return 0
  } finally {
    signals.off('SIGINT', onSignal)
    signals.off('SIGTERM', onSignal)
  }
}
