#!/usr/bin/env node
// `npm run kafka -- start|stop|status|logs|restart|wipe|resolve [--port N]`: the local Apache Kafka broker.
import { parseArgs } from 'node:util'
import { brokerPaths, defaultPort, logTail, start, status, stop, wipe } from './lib/kafka-broker.mjs'
import { KAFKA_VERSION, resolveKafka, resolveMirror } from './lib/kafka-dist.mjs'
import { log } from './lib/proc.mjs'

const USAGE = `usage: npm run kafka -- <start|stop|restart|status|logs|wipe|resolve|resolve-mirror> [--port N] [--sasl-port N] [--lines N]
  start    start a local KRaft broker on 127.0.0.1 (default port 9092 or $SLUICE_KAFKA_PORT) unless one runs;
           --sasl-port N adds a SASL_PLAINTEXT listener (PLAIN, test user sluice/sluice-secret) for tests
  stop     stop the broker this project started
  status   say whether it runs and answers requests (exit 0 running, 3 stopped, 1 unresponsive)
  logs     print the last lines of the broker log
  wipe     delete the stopped broker's data
  resolve  only download Kafka ${KAFKA_VERSION} from Maven Central into the per-user cache
  resolve-mirror  also MirrorMaker 2's connector jars (a folder of their own, after lib/ on a classpath)
With KAFKA_BOOTSTRAP_SERVERS set, start and status only check that cluster is reachable.`

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'sasl-port': { type: 'string' },
      lines: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const cmd = positionals[0]
  if (values.help || !cmd) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const port = values.port ? Number(values.port) : defaultPort()
  if (!Number.isInteger(port) || port <= 0 || port > 65534)
    throw new Error(`--port ${values.port} is not a valid port`)
  switch (cmd) {
    case 'start': {
      const saslPort = values['sasl-port'] ? Number(values['sasl-port']) : undefined
      if (saslPort !== undefined && !(Number.isInteger(saslPort) && saslPort > 0 && saslPort <= 65535))
        throw new Error(`--sasl-port ${values['sasl-port']} is not a valid port`)
      const r = await start({ port, saslPort })
      if (r.external)
        log(`using the existing cluster at ${r.bootstrap} (KAFKA_BOOTSTRAP_SERVERS); it answers`)
      else if (r.foreign)
        log(`a broker not started by this project already answers on ${r.bootstrap}; using it`)
      else if (!r.started) log(`Kafka ${KAFKA_VERSION} is already running on ${r.bootstrap} (pid ${r.pid})`)
      else
        log(
          `Kafka ${KAFKA_VERSION} ready on ${r.bootstrap} (pid ${r.pid}) in ${(r.readyMs / 1000).toFixed(1)} s; logs: ${brokerPaths(port).serverLog}`,
        )
      return 0
    }
    case 'stop': {
      if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
        log('KAFKA_BOOTSTRAP_SERVERS points at an existing cluster; nothing to stop')
        return 0
      }
      const r = await stop({ port })
      log(
        r.stopped
          ? `stopped the broker (pid ${r.pid}${r.forced ? ', killed after the timeout' : ''})`
          : 'no broker was running',
      )
      return 0
    }
    case 'restart':
      await stop({ port })
      await start({ port })
      log(`restarted Kafka on 127.0.0.1:${port}`)
      return 0
    case 'status': {
      if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
        const r = await start({ port })
        console.log(
          `external ${r.bootstrap}: answering, ${r.detail.brokers.length} broker(s), cluster ${r.detail.clusterId}`,
        )
        return 0
      }
      const s = await status(port)
      if (s.state === 'running') {
        console.log(
          `running pid ${s.pid} on 127.0.0.1:${port}: ${s.detail.brokers.length} broker(s), cluster ${s.detail.clusterId}`,
        )
        return 0
      }
      if (s.state === 'foreign') {
        console.log(
          `running (not started by this project) on 127.0.0.1:${port}, cluster ${s.detail.clusterId}`,
        )
        return 0
      }
      if (s.state === 'unresponsive') {
        console.log(
          `unresponsive: pid ${s.pid} is alive but does not answer on 127.0.0.1:${port} (${s.detail})`,
        )
        return 1
      }
      console.log(`stopped${s.detail ? ` (${s.detail})` : ''}`)
      return 3
    }
    case 'logs':
      console.log(logTail(port, values.lines ? Number(values.lines) : 100))
      return 0
    case 'wipe':
      wipe(port)
      log(`deleted ${brokerPaths(port).dir}`)
      return 0
    case 'resolve':
      // stdout, not the log: test/compat/servers.ts reads the folder from it.
      console.log(`Kafka jars in ${await resolveKafka()}`)
      return 0
    case 'resolve-mirror':
      await resolveKafka({ quiet: true })
      console.log(`MirrorMaker jars in ${await resolveMirror()}`)
      return 0
    default:
      console.error(`unknown command "${cmd}"\n${USAGE}`)
      return 2
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`kafka: ${err.message}`)
    process.exit(1)
  },
)
