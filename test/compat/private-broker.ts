import { spawn } from 'node:child_process'
import path from 'node:path'
import { freePort, repoRoot } from './servers.js'

/**
 * A broker of its own for a test that restarts it (the shared broker on `KAFKA_BOOTSTRAP_SERVERS` serves
 * other tests and must never stop). `scripts/kafka.mjs --port N` keeps one state folder per port
 * (`.run/kafka-<N>`), so stop and start keep the data; the controller listens on N+1.
 */
export interface PrivateBroker {
  readonly bootstrap: string
  readonly port: number
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener (PLAIN, {@link SASL_TEST_USER}), when asked for. */
  readonly saslBootstrap?: string
  /** Controlled shutdown (SIGTERM), then start again on the same data; resolves when it answers. */
  restart(): Promise<void>
  stopBroker(): Promise<void>
  startBroker(): Promise<void>
  /** Stops it and deletes its data. */
  destroy(): Promise<void>
}

/** The SASL/PLAIN user of the private broker's SASL listener (scripts/lib/kafka-broker.mjs). */
export const SASL_TEST_USER = { username: 'sluice', password: 'sluice-secret' } as const

/** Runs `scripts/kafka.mjs <cmd> --port <port>` without the shared cluster's environment. */
function kafkaScript(cmd: string, port: number, extra: readonly string[] = []): Promise<void> {
  const env = { ...process.env }
  // With KAFKA_BOOTSTRAP_SERVERS set the script only probes that cluster; this one is ours.
  delete env.KAFKA_BOOTSTRAP_SERVERS
  delete env.SLUICE_KAFKA_PORT
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'kafka.mjs'), cmd, '--port', String(port), ...extra],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    proc.stderr.on('data', (b: Buffer) => {
      out += b.toString()
    })
    proc.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka.mjs ${cmd} --port ${port} exited ${code}: ${out}`)),
    )
  })
}

/**
 * Starts a private single-node KRaft broker on a free port pair (N, N+1); with `sasl`, also a
 * SASL_PLAINTEXT listener on another free port.
 */
export async function startPrivateBroker(options: { sasl?: boolean } = {}): Promise<PrivateBroker> {
  let port = 0
  for (let i = 0; i < 20; i++) {
    port = await freePort()
    // The controller listener takes the next port; both must be free.
    if ((await freePort(port + 1)) === port + 1) break
  }
  const saslPort = options.sasl === true ? await freePort() : undefined
  const startArgs = saslPort === undefined ? [] : ['--sasl-port', String(saslPort)]
  const broker: PrivateBroker = {
    bootstrap: `127.0.0.1:${port}`,
    port,
    ...(saslPort !== undefined && { saslBootstrap: `127.0.0.1:${saslPort}` }),
    startBroker: () => kafkaScript('start', port, startArgs),
    stopBroker: () => kafkaScript('stop', port),
    restart: async () => {
      await kafkaScript('stop', port)
      await kafkaScript('start', port, startArgs)
    },
    destroy: async () => {
      await kafkaScript('stop', port)
      await kafkaScript('wipe', port)
    },
  }
  await broker.startBroker()
  return broker
}
