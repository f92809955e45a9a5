import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { type CliLogger, runStandalone, type SignalSource, startStandalone } from '../src/index.js'

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

describe('sluice standalone lifecycle', () => {
  it('serves the REST API, then stops gracefully on the first signal (exit 0)', async () => {
    const logger = recordingLogger()
    const signals = new EventEmitter() as EventEmitter & SignalSource
    const forced: number[] = []
    const done = runStandalone({
      workerPropsFile: workerFile(),
      connectorFiles: [],
      logger,
      signals,
      forceExit: (c) => forced.push(c),
    })
    await logger.started
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
    const logger = recordingLogger()
    const signals = new EventEmitter() as EventEmitter & SignalSource
    const forced: number[] = []
    const done = runStandalone({
      workerPropsFile: workerFile(),
      connectorFiles: [],
      logger,
      signals,
      forceExit: (c) => forced.push(c),
    })
    await logger.started
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
      startStandalone({ workerPropsFile: workerFile(), connectorFiles: [c], logger: recordingLogger() }),
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
