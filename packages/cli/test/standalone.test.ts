import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ManualClock } from '@sluice/runtime'
import {
  type CliLogger,
  loadWorkerConfig,
  lookupKafkaClusterId,
  runStandalone,
  type SignalSource,
  startStandalone,
  unusedWorkerKeysMessage,
} from '../src/index.js'

function workerFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-standalone-'))
  const w = path.join(dir, 'worker.properties')
  writeFileSync(
    w,
    [
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${dir}/connect.offsets`,
      // Port 0: any free port; no connector is created, so no broker is needed.
      'listeners=http://127.0.0.1:0',
      'task.pool.threads=1',
    ].join('\n'),
  )
  return w
}

/** These tests need no broker: the cluster id lookup answers at once. */
const fakeCluster = async (): Promise<string> => 'test-cluster-id'

function recordingLogger(): CliLogger & { lines: string[]; started: Promise<void> } {
  let onStarted: () => void = () => {}
  const started = new Promise<void>((r) => {
    onStarted = r
  })
  const lines: string[] = []
  const push = (m: string): void => {
    lines.push(m)
    if (m.startsWith('Kafka Connect started')) onStarted()
  }
  return { lines, started, info: push, warn: push, error: (m) => push(`ERROR ${m}`) }
}

/** `runStandalone` without connectors, on signals the test emits; `forced` collects forced exit codes. */
async function runUntilSignalled() {
  const logger = recordingLogger()
  const signals = new EventEmitter() as EventEmitter & SignalSource
  const forced: number[] = []
  const done = runStandalone({
    workerPropsFile: workerFile(),
    connectorFiles: [],
    logger,
    kafkaClusterId: fakeCluster,
    signals,
    forceExit: (c) => forced.push(c),
  })
  await logger.started
  return { logger, signals, forced, done }
}

describe('sluice standalone lifecycle', () => {
  it('serves the REST API, then stops gracefully on the first signal (exit 0)', async () => {
    const { logger, signals, forced, done } = await runUntilSignalled()
    const url = /REST API at (\S+) /.exec(
      logger.lines.find((l) => l.startsWith('Kafka Connect started')) ?? '',
    )?.[1]
    assert.ok(url)
    const r = await fetch(new URL('connectors', url))
    assert.equal(r.status, 200)
    assert.deepEqual(await r.json(), [])
    signals.emit('SIGINT')
    assert.equal(await done, 0)
    assert.deepEqual(forced, [])
    assert.ok(logger.lines.includes('Kafka Connect stopped'))
    assert.equal(signals.listenerCount('SIGINT'), 0)
  })

  it('forces the exit on a second signal while stopping', async () => {
    const { signals, forced, done } = await runUntilSignalled()
    signals.emit('SIGTERM')
    signals.emit('SIGINT')
    assert.deepEqual(forced, [130])
    assert.equal(await done, 0)
  })

  it('stops what it started when a connector cannot be created (exit 3)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-standalone-'))
    const c = path.join(dir, 'c.json')
    writeFileSync(
      c,
      JSON.stringify({ name: 'bad', config: { 'connector.class': 'FileStreamSink', 'tasks.max': '0' } }),
    )
    await assert.rejects(
      startStandalone({
        workerPropsFile: workerFile(),
        connectorFiles: [c],
        logger: recordingLogger(),
        kafkaClusterId: fakeCluster,
      }),
      (e: unknown) => {
        const err = e as { exitCode?: number; message: string }
        assert.equal(err.exitCode, 3)
        assert.ok(
          err.message.startsWith(`Failed to create connector for ${c}: Connector configuration is invalid`),
        )
        return true
      },
    )
  })
})

describe('sluice standalone start checks', () => {
  it("fails in bounded time with Kafka's message, the cause and the fix when Kafka cannot be reached", async () => {
    const clock = new ManualClock()
    const logger = recordingLogger()
    let attempts = 0
    const done = lookupKafkaClusterId({
      bootstrap: '127.0.0.1:1',
      timeoutMs: 5000,
      file: 'w.properties',
      lookup: async () => {
        attempts++
        throw new Error('cannot reach Kafka at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1')
      },
      clock,
      logger,
    })
    // Drive the retries: each backoff is a timer on the manual clock.
    for (let i = 0; i < 20 && clock.now() < 5000; i++) {
      await new Promise((r) => setImmediate(r))
      clock.advance(500)
    }
    await assert.rejects(done, (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 2)
      assert.match(
        e.message,
        /^Failed to connect to and describe Kafka cluster\. Check worker's broker connection and security properties\.\n {2}caused by: cannot reach Kafka at 127\.0\.0\.1:1: connect ECONNREFUSED/,
      )
      assert.match(
        e.message,
        /fix: start the broker .* or correct bootstrap.servers=127.0.0.1:1 in w.properties/,
      )
      return true
    })
    assert.ok(attempts > 3, `retried ${attempts} times`)
    assert.deepEqual(
      logger.lines.filter((l) => l.startsWith('Cannot reach')),
      [
        'Cannot reach the Kafka cluster at 127.0.0.1:1 yet (cannot reach Kafka at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1); retrying for up to 5000 ms (default.api.timeout.ms)',
      ],
    )
  })

  it('returns the cluster id once Kafka answers', async () => {
    const clock = new ManualClock()
    let attempts = 0
    const done = lookupKafkaClusterId({
      bootstrap: 'b:9092',
      timeoutMs: 60_000,
      file: 'w',
      lookup: async () => {
        if (++attempts < 3) throw new Error('not yet')
        return 'abc'
      },
      clock,
      logger: recordingLogger(),
    })
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r))
      clock.advance(1000)
    }
    assert.equal(await done, 'abc')
    assert.equal(attempts, 3)
  })

  // The order is Java's HashSet order (checked against java.util.HashSet).
  it("logs unused worker keys once, with Kafka's wording", async () => {
    const props = {
      'bootstrap.servers': 'localhost:9092',
      'offset.flush.interval': '1000',
      'producer.linger.ms': '5',
      'value.converter.schemas.enable': 'false',
      'config.providers': 'env',
      'config.providers.env.class': 'EnvVarConfigProvider',
      'config.providers.old.class': 'FileConfigProvider',
      'bootstrap.server': 'typo:9092',
    }
    assert.equal(
      unusedWorkerKeysMessage(props),
      "These configurations '[bootstrap.server, offset.flush.interval, config.providers.old.class]' were supplied but are not used yet.",
    )
    assert.equal(unusedWorkerKeysMessage({ 'bootstrap.servers': 'x' }), undefined)
  })

  it('resolves provider references in the worker properties before validating them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-standalone-'))
    const secrets = path.join(dir, 's.properties')
    writeFileSync(secrets, `offsets=${dir}/connect.offsets\n`)
    const w = path.join(dir, 'w.properties')
    writeFileSync(
      w,
      [
        'config.providers=file,env',
        'config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider',
        `config.providers.file.param.allowed.paths=${dir}`,
        'config.providers.env.class=EnvVarConfigProvider',
        'config.providers.env.param.allowlist.pattern=SLUICE_TEST_.*',
        'key.converter=JsonConverter',
        'value.converter=JsonConverter',
        `offset.storage.file.filename=\${file:${secrets}:offsets}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a provider reference
        'offset.flush.interval.ms=${env:SLUICE_TEST_FLUSH_MS}',
      ].join('\n'),
    )
    process.env.SLUICE_TEST_FLUSH_MS = '1234'
    const { config, providers } = await loadWorkerConfig(w, recordingLogger())
    assert.equal(config.props['offset.storage.file.filename'], `${dir}/connect.offsets`)
    assert.equal(config.values['offset.flush.interval.ms'], 1234)
    await providers.close()
    writeFileSync(
      w,
      'config.providers=file\nconfig.providers.file.class=File\nconfig.providers.file.param.allowed.path=/tmp\n',
    )
    await assert.rejects(loadWorkerConfig(w, recordingLogger()), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 2)
      assert.match(
        e.message,
        /invalid worker configuration in .*w\.properties \(1 error\):\n {2}- config\.providers\.file\.param\.allowed\.path: .*has no parameter 'allowed\.path'; it accepts allowed\.paths/,
      )
      return true
    })
  })
})
