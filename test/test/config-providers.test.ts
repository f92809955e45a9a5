// biome-ignore-all lint/suspicious/noTemplateCurlyInString: this test is about literal ${provider:path:key} references
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { freePort } from '../src/ports.js'
import { startStandalone, waitUntil } from '../src/standalone.js'

// KIP-297 config providers on `sluice standalone` against the real broker: the source's file comes from a
// DirectoryConfigProvider, the sink's file from a FileConfigProvider, the topic from an EnvVarConfigProvider,
// and one worker key from the file provider. Lines must flow file → Kafka → file through the resolved
// values, while every REST view of the configs keeps the ${...} text and the log never shows a secret.
test('sluice standalone resolves ${file:…}, ${dir:…} and ${env:…}; REST returns the placeholders', {
  timeout: 180_000,
}, async () => {
  const bootstrap = ensureBroker()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-providers-'))
  const secrets = path.join(dir, 'secrets')
  mkdirSync(secrets)
  const input = path.join(dir, 'in.txt')
  const output = path.join(dir, 'out.txt')
  const topic = uniqueTopic('providers')
  const restPort = await freePort()
  writeFileSync(path.join(secrets, 'sink.properties'), `sink.file=${output}\nflush.ms=500\n`)
  writeFileSync(path.join(secrets, 'source-file'), input)
  writeFileSync(
    path.join(dir, 'worker.properties'),
    [
      `bootstrap.servers=${bootstrap}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${dir}/connect.offsets`,
      `listeners=http://127.0.0.1:${restPort}`,
      'task.pool.threads=1',
      'config.providers=file,dir,env',
      'config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider',
      `config.providers.file.param.allowed.paths=${secrets}`,
      'config.providers.dir.class=DirectoryConfigProvider',
      `config.providers.dir.param.allowed.paths=${secrets}`,
      'config.providers.env.class=EnvVar',
      'config.providers.env.param.allowlist.pattern=SLUICE_PROVIDERS_.*',
      // A worker key resolved at start, as Kafka's AbstractConfig does.
      `offset.flush.interval.ms=\${file:${secrets}/sink.properties:flush.ms}`,
    ].join('\n'),
  )
  const sourceConfig = {
    name: 'cp-source',
    'connector.class': 'FileStreamSource',
    'tasks.max': '1',
    file: `\${dir:${secrets}:source-file}`,
    topic: '${env:SLUICE_PROVIDERS_TOPIC}',
  }
  const sinkConfig = {
    name: 'cp-sink',
    'connector.class': 'FileStreamSink',
    'tasks.max': '1',
    file: `\${file:${secrets}/sink.properties:sink.file}`,
    topics: '${env:SLUICE_PROVIDERS_TOPIC}',
  }
  writeFileSync(path.join(dir, 'source.json'), JSON.stringify(sourceConfig))
  writeFileSync(path.join(dir, 'sink.json'), JSON.stringify(sinkConfig))
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i} through resolved configs`)
  writeFileSync(input, `${lines.join('\n')}\n`)

  const worker = startStandalone(dir, ['worker.properties', 'source.json', 'sink.json'], 'worker.log', {
    SLUICE_PROVIDERS_TOPIC: topic,
  })
  try {
    const rest = `http://127.0.0.1:${restPort}`
    const get = async (p: string) => {
      const r = await fetch(`${rest}${p}`)
      assert.equal(r.status, 200, `GET ${p}`)
      return r.json()
    }
    await waitUntil(
      () => existsSync(output) && readFileSync(output, 'utf8').split('\n').length > lines.length,
      `${lines.length} lines in ${output}`,
      90_000,
      worker,
    )
    assert.deepEqual(readFileSync(output, 'utf8').split('\n').slice(0, lines.length), lines)

    assert.deepEqual(await get('/connectors/cp-sink/config'), sinkConfig)
    assert.deepEqual(await get('/connectors/cp-source/config'), sourceConfig)
    const expanded = (await get('/connectors?expand=info')) as Record<string, { info: { config: unknown } }>
    assert.deepEqual(expanded['cp-sink']?.info.config, sinkConfig)
    assert.deepEqual(expanded['cp-source']?.info.config, sourceConfig)
    const tasks = (await get('/connectors/cp-sink/tasks')) as Array<{ config: Record<string, string> }>
    assert.equal(tasks[0]?.config.file, sinkConfig.file)
    assert.equal(tasks[0]?.config.topics, sinkConfig.topics)
    const sourceTasks = (await get('/connectors/cp-source/tasks')) as Array<{
      config: Record<string, string>
    }>
    assert.equal(sourceTasks[0]?.config.file, sourceConfig.file)

    const log = readFileSync(worker.logFile, 'utf8')
    assert.ok(!log.includes(output), 'the resolved sink file name never appears in the log')
    assert.ok(!log.includes(topic), 'the resolved topic never appears in the log')
  } finally {
    worker.child.kill('SIGTERM')
    assert.equal(await worker.exited, 0)
  }
})
