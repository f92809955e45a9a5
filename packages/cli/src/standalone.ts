import { ConfigError, ConnectError } from '@sluice/api'
import { clusterId } from '@sluice/kafka'
import {
  type Clock,
  createWorker,
  loadPluginRegistry,
  type PluginRegistry,
  StandaloneHerder,
  systemClock,
  WorkerConfigTransformer,
} from '@sluice/runtime'
import { CliError } from './cli-error.js'
import { type ConnectorFile, parseConnectorFile } from './connector-files.js'
import { type CliLogger, consoleLogger, describeError } from './logger.js'
import { loadPropertiesFile } from './properties.js'
import { type RestHandle, startRestServer } from './rest-hook.js'
import {
  formatConfigErrors,
  parseStandaloneConfig,
  type StandaloneWorkerConfig,
  unusedWorkerKeysMessage,
} from './worker-config.js'

/**
 * `sluice standalone worker.properties [connector.properties|connector.json]...` (Kafka's
 * `ConnectStandalone`): validates the worker properties, starts the REST API, the worker and the standalone
 * herder, creates the connectors of the given files, and runs until SIGINT/SIGTERM.
 */

/** Usage line, as ConnectStandalone prints it. */
export const STANDALONE_USAGE = 'worker.properties [connector1.properties connector2.json ...]'

/** What {@link startStandalone} needs. */
export interface StandaloneOptions {
  readonly workerPropsFile: string
  readonly connectorFiles: readonly string[]
  readonly logger?: CliLogger | undefined
  /** Looks up the Kafka cluster id (the real broker by default; tests inject one). */
  readonly kafkaClusterId?: ((bootstrap: string) => Promise<string | null>) | undefined
  /** Times the retries of the cluster id lookup. */
  readonly clock?: Clock | undefined
}

/** A started standalone worker. */
export interface RunningStandalone {
  readonly herder: StandaloneHerder
  readonly rest: RestHandle
  readonly config: StandaloneWorkerConfig
  /** Stops connectors, tasks, the worker and the REST API (graceful; idempotent). */
  stop(): Promise<void>
}

/** Reads the worker properties file (exit 2 when it cannot be read); an empty path means none, as in Kafka. */
export function readWorkerProps(file: string): Record<string, string> {
  return file === '' ? {} : loadPropertiesFile(file, 'worker properties file', 2)
}

/**
 * Reads and validates the worker properties file: creates its config providers (`config.providers`) and
 * resolves `${provider:[path:]key}` in every worker key, as Kafka's `AbstractConfig` does, then checks
 * types and values of every key, and the converter classes against the plugins (built-ins and
 * `plugin.path`).
 * @throws {@link CliError} exit 2 listing every problem
 */
export async function loadWorkerConfig(
  file: string,
  logger: CliLogger = consoleLogger,
): Promise<{ config: StandaloneWorkerConfig; plugins: PluginRegistry; providers: WorkerConfigTransformer }> {
  const raw = readWorkerProps(file)
  const pluginPath = (raw['plugin.path'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  let plugins: PluginRegistry
  try {
    plugins = await loadPluginRegistry(pluginPath)
  } catch (err) {
    throw startupError(`cannot load the plugins of plugin.path in ${file}`, err)
  }
  let providers: WorkerConfigTransformer
  try {
    providers = WorkerConfigTransformer.create(raw, plugins, { logger })
  } catch (err) {
    if (!(err instanceof ConfigError))
      throw startupError(`cannot create the config providers of ${file}`, err)
    throw new CliError(
      formatConfigErrors(`invalid worker configuration in ${file}`, err.errors, (k) =>
        k.endsWith('.class')
          ? `set ${k} to a config provider class, or remove its name from config.providers`
          : `correct or remove ${k} in ${file}`,
      ),
      2,
    )
  }
  let props: Record<string, string>
  try {
    props = await providers.resolveWorkerProps(raw, `worker properties ${file}`)
  } catch (err) {
    await providers.close()
    throw startupError(`cannot resolve the worker properties of ${file}`, err)
  }
  try {
    return { config: parseStandaloneConfig(file, props, plugins), plugins, providers }
  } catch (err) {
    await providers.close()
    throw err
  }
}

const sleep = (clock: Clock, ms: number): Promise<void> =>
  new Promise((resolve) => {
    clock.setTimeout(resolve, ms)
  })

/**
 * Kafka's `ConnectUtils.lookupKafkaClusterId` at start: retries (capped backoff on `clock`) until the
 * cluster answers or `timeoutMs` (`default.api.timeout.ms`) has passed, then fails with Kafka's message,
 * the cause and the fix. A worker that cannot reach Kafka never reports "started".
 */
export async function lookupKafkaClusterId(options: {
  readonly bootstrap: string
  readonly timeoutMs: number
  readonly file: string
  readonly lookup: (bootstrap: string) => Promise<string | null>
  readonly clock: Clock
  readonly logger: CliLogger
}): Promise<string | null> {
  const { bootstrap, timeoutMs, clock, logger } = options
  const deadline = clock.now() + timeoutMs
  let delay = 100
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.lookup(bootstrap)
    } catch (err) {
      const left = deadline - clock.now()
      if (left <= 0) {
        throw new CliError(
          `Failed to connect to and describe Kafka cluster. Check worker's broker connection and security properties.
  caused by: ${describeError(err)}
    fix: start the broker (npm run kafka -- start) or correct bootstrap.servers=${bootstrap} in ${options.file}; the worker tried for ${timeoutMs} ms (default.api.timeout.ms)`,
          2,
          { cause: err },
        )
      }
      if (attempt === 1) {
        logger.warn(
          `Cannot reach the Kafka cluster at ${bootstrap} yet (${describeError(err)}); retrying for up to ${timeoutMs} ms (default.api.timeout.ms)`,
        )
      }
      await sleep(clock, Math.min(delay, left))
      delay = Math.min(delay * 2, 2000)
    }
  }
}

/** Stops started resources in reverse order; each at most once. */
class Resources {
  readonly #stops: Array<() => Promise<void>> = []
  #stopping: Promise<void> | undefined

  add(stop: () => Promise<void>): void {
    this.#stops.push(stop)
  }

  stop(log: CliLogger): Promise<void> {
    this.#stopping ??= (async () => {
      for (const stop of this.#stops.reverse()) {
        try {
          await stop()
        } catch (err) {
          log.error('Error while stopping', err)
        }
      }
    })()
    return this.#stopping
  }
}

function startupError(what: string, err: unknown): CliError {
  if (err instanceof CliError) return err
  const detail = err instanceof ConfigError || ConnectError.is(err) ? err.message : describeError(err)
  return new CliError(`${what}: ${detail}`, 2, { cause: err })
}

/**
 * Starts a standalone worker: worker config → plugins → REST API → worker and herder → connectors.
 * Anything started is stopped again when a later step fails.
 * @throws {@link CliError} exit 2 for worker configuration or startup problems, exit 3 for connector files
 *   and connectors that cannot be created
 */
export async function startStandalone(options: StandaloneOptions): Promise<RunningStandalone> {
  const log = options.logger ?? consoleLogger
  log.info('Kafka Connect worker initializing ...')
  log.info('Scanning for plugin classes. This might take a moment ...')
  const { config, providers } = await loadWorkerConfig(options.workerPropsFile, log)
  // Kafka's AbstractConfig.logUnused: keys nothing reads, once, so a typo does not go unnoticed.
  const unused = unusedWorkerKeysMessage(config.props)
  if (unused !== undefined) log.info(unused)
  // Connector files are read up front, so a typo fails before anything starts.
  const connectors: ConnectorFile[] = options.connectorFiles.map((f) => parseConnectorFile(f))

  const resources = new Resources()
  resources.add(() => providers.close())
  const stop = (): Promise<void> => resources.stop(log)
  try {
    let rest: RestHandle
    try {
      rest = await startRestServer(config.props)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const hint =
        code === 'EADDRINUSE'
          ? '; another process uses that port: change listeners in the worker properties'
          : ''
      throw startupError(
        `cannot start the REST API on ${config.props.listeners ?? 'http://:8083'}${hint}`,
        err,
      )
    }
    resources.add(() => rest.stop())
    const bootstrap = (config.values['bootstrap.servers'] as string[]).join(',')
    const kafkaClusterId = await lookupKafkaClusterId({
      bootstrap,
      timeoutMs: config.values['default.api.timeout.ms'] as number,
      file: config.file,
      lookup: options.kafkaClusterId ?? clusterId,
      clock: options.clock ?? systemClock,
      logger: log,
    })
    log.info(`Kafka cluster ID: ${kafkaClusterId}`)
    const herder = new StandaloneHerder({
      workerProps: config.props,
      worker: (listener) => createWorker({ props: config.props, listener }),
      kafkaClusterId: () => Promise.resolve(kafkaClusterId),
      configTransformer: providers,
      workerId: rest.workerId,
      readyOnStart: false,
      logger: { info: (m) => log.info(m), error: (m, err) => log.error(m, err) },
    })
    rest.attach(herder)
    try {
      await herder.start()
    } catch (err) {
      throw startupError('cannot start the worker', err)
    }
    resources.add(() => herder.stop())
    log.info(`Kafka Connect started; REST API at ${rest.url} (worker id ${rest.workerId})`)

    for (const c of connectors) {
      try {
        const result = await herder.putConnectorConfig(c.name, c.config, {
          allowReplace: false,
          ...(c.initialState !== undefined && { initialState: c.initialState }),
        })
        log.info(`Created connector ${result.info.name}`)
      } catch (err) {
        throw new CliError(`Failed to create connector for ${c.file}: ${describeError(err)}`, 3, {
          cause: err,
        })
      }
    }
    herder.markReady()
    return { herder, rest, config, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Signals the process on; injectable for tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', handler: () => void): unknown
  off(signal: 'SIGINT' | 'SIGTERM', handler: () => void): unknown
}

/**
 * Runs `sluice standalone` until SIGINT or SIGTERM, then stops gracefully; a second signal while stopping
 * forces the exit (code 130). Resolves with the exit code.
 */
export async function runStandalone(
  options: StandaloneOptions & {
    readonly signals?: SignalSource
    readonly forceExit?: (code: number) => void
  },
): Promise<number> {
  const log = options.logger ?? consoleLogger
  const signals = options.signals ?? process
  const forceExit = options.forceExit ?? ((code: number) => process.exit(code))
  let interrupts = 0
  let signalled: (() => void) | undefined
  const signalledPromise = new Promise<void>((resolve) => {
    signalled = resolve
  })
  const onSignal = (): void => {
    interrupts++
    if (interrupts > 1) {
      log.warn('Second interrupt: exiting without waiting for connectors and tasks to stop')
      forceExit(130)
      return
    }
    log.info('Kafka Connect stopping (interrupt again to force)')
    signalled?.()
  }
  signals.on('SIGINT', onSignal)
  signals.on('SIGTERM', onSignal)
  try {
    // A signal during startup stops the worker as soon as startup has finished.
    const running = await startStandalone(options)
    await signalledPromise
    return await running.stop().then(
      () => {
        log.info('Kafka Connect stopped')
        return 0
      },
      (err: unknown) => {
        log.error('Kafka Connect did not stop cleanly', err)
        return 1
      },
    )
  } finally {
    signals.off('SIGINT', onSignal)
    signals.off('SIGTERM', onSignal)
  }
}
