/**
 * Issue 11's integration test: a FileStreamSource with a chain of 15 of Kafka's transforms and 2
 * predicates writes, on Java Kafka Connect 4.4 standalone and on `sluice standalone` (same broker, same
 * files, same connector config apart from names), the same topic contents: keys, values and headers, byte
 * for byte, in the same order.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { KafkaAdmin } from '@sluice/kafka'
import { TopicReader, type TopicRecord } from '@sluice/testkit'
import {
  bothStarted,
  type ConnectProcess,
  freePort,
  javaClasspath,
  pollUntil,
  repoRoot,
  sluiceCli,
  startJavaConnect,
  startSluice,
} from '../compat/servers.js'
import { ensureBroker } from '../src/broker.js'

const T = 'org.apache.kafka.connect.transforms.'
const LINES = [
  'alpha',
  'bravo 2',
  '{"json": [1, 2]}',
  'é ü 漢字 😀',
  'tab\there',
  '',
  'delta "quoted" \\ back',
  'echo',
]

/** The chain: every kind of SMT the file source's string lines can go through, and both predicates. */
function chain(topic: string): Record<string, string> {
  return {
    ...named('transforms', {
      hoist: { type: `${T}HoistField$Value`, field: 'line' },
      insert: {
        type: `${T}InsertField$Value`,
        'topic.field': 'topic!',
        'partition.field': 'partition',
        'static.field': 'origin',
        'static.value': 'file',
      },
      toKey: { type: `${T}ValueToKey`, fields: 'line,origin' },
      keyField: { type: `${T}ExtractField$Key`, field: 'line' },
      castKey: { type: `${T}Cast$Key`, spec: 'string' },
      header: { type: `${T}InsertHeader`, header: 'literal', 'value.literal': '{"n":42,"list":[1.5,true]}' },
      fromValue: {
        type: `${T}HeaderFrom$Value`,
        fields: 'origin,line',
        headers: 'origin_h,line_h',
        operation: 'move',
      },
      mask: { type: `${T}MaskField$Value`, fields: 'topic', replacement: '***' },
      rename: { type: `${T}ReplaceField$Value`, renames: 'topic:masked_topic', exclude: 'partition' },
      meta: { type: `${T}SetSchemaMetadata$Value`, 'schema.name': 'com.example.Line', 'schema.version': '2' },
      flat: { type: `${T}Flatten$Value`, delimiter: '_' },
      kind: { type: `${T}InsertHeader`, header: 'kind', 'value.literal': 'line', predicate: 'hasOrigin' },
      dropKind: { type: `${T}DropHeaders`, headers: 'kind', predicate: 'hasOrigin', negate: 'true' },
      route: { type: `${T}RegexRouter`, regex: '(.*)-in', replacement: '$1-out', predicate: 'isInput' },
      routeBack: { type: `${T}RegexRouter`, regex: '(.*)-in', replacement: '$1-never', predicate: 'isInput' },
      stamp: { type: `${T}HoistField$Key`, field: 'k' },
    }),
    ...named('predicates', {
      hasOrigin: { type: `${T}predicates.HasHeaderKey`, name: 'origin_h' },
      isInput: { type: `${T}predicates.TopicNameMatches`, pattern: `${topic.replaceAll('.', '\\.')}` },
    }),
  }
}

/**
 * Connector config for named transforms or predicates, in order: `group` lists the names, and each entry's
 * keys become `<group>.<name>.<key>` (the list cannot disagree with the entries).
 */
function named(
  group: 'transforms' | 'predicates',
  entries: Record<string, Record<string, string>>,
): Record<string, string> {
  const config: Record<string, string> = { [group]: Object.keys(entries).join(',') }
  for (const [name, keys] of Object.entries(entries))
    for (const [key, value] of Object.entries(keys)) config[`${group}.${name}.${key}`] = value
  return config
}

const cp = javaClasspath()
const cli = sluiceCli()
const missing =
  cp.classpath === undefined
    ? cp.reason
    : cli === undefined
      ? 'the sluice CLI is not built (packages/cli); run npm test (it builds), or set SLUICE_CLI'
      : undefined

describe('a 16-transform, 2-predicate chain: Sluice vs Java Kafka Connect 4.4', {
  timeout: 10 * 60_000,
}, () => {
  const run = randomUUID().slice(0, 8)
  const base = path.join(repoRoot, '.run', 'transforms-chain', run)
  let java: ConnectProcess | undefined
  let sluice: ConnectProcess | undefined
  let bootstrap = ''

  before(async () => {
    if (missing !== undefined) throw new Error(`cannot run the transforms chain test: ${missing}`)
    bootstrap = ensureBroker()
    const [javaPort, sluicePort] = [await freePort(18093), await freePort(18094)]
    const started = await bothStarted(
      startJavaConnect({
        bootstrap,
        dir: path.join(base, 'java'),
        port: javaPort,
        classpath: cp.classpath as string,
      }),
      startSluice({ bootstrap, dir: path.join(base, 'sluice'), port: sluicePort, cli: cli as string }),
    )
    java = started.java
    sluice = started.sluice
  })

  after(async () => {
    await Promise.all([java?.stop(), sluice?.stop()])
    if (process.env.SLUICE_COMPAT_KEEP === undefined) rmSync(base, { recursive: true, force: true })
  })

  async function runSide(side: ConnectProcess): Promise<TopicRecord[]> {
    const dir = path.join(base, `${side.side}-data`)
    mkdirSync(dir, { recursive: true })
    const file = path.join(dir, 'input.txt')
    writeFileSync(file, `${LINES.join('\n')}\n`)
    const prefix = `tchain-${side.side}-${run}`
    const input = `${prefix}-in`
    const output = `${prefix}-out`
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    try {
      for (const topic of [input, output]) {
        await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 }, { ifNotExists: true })
      }
    } finally {
      admin.close()
    }
    const name = `tchain-${run}`
    const config = {
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file,
      topic: input,
      ...chain(input),
    }
    const validate = await fetch(`${side.url}/connector-plugins/FileStreamSourceConnector/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, ...config }),
    })
    const body = (await validate.json()) as { error_count: number }
    assert.equal(body.error_count, 0, `${side.side} config/validate: ${JSON.stringify(body)}`)
    const created = await fetch(`${side.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config }),
    })
    assert.equal(created.status, 201, `${side.side} POST /connectors: ${await created.text()}`)
    const reader = await TopicReader.open(bootstrap, output, 1)
    try {
      await pollUntil(`${LINES.length} records on ${output} (${side.side})`, 90_000, async () => {
        await reader.poll()
        return reader.records.length >= LINES.length ? true : undefined
      })
      // Anything extra (a duplicate, a record that escaped the router) would show here.
      await new Promise((r) => setTimeout(r, 1500))
      await reader.poll()
    } finally {
      await reader.close()
    }
    await fetch(`${side.url}/connectors/${name}`, { method: 'DELETE' })
    return reader.records
  }

  it('writes the same keys, values and headers as Java Connect', async () => {
    assert.ok(java && sluice)
    const [j, s] = await Promise.all([runSide(java), runSide(sluice)])
    const show = (rs: TopicRecord[]) =>
      rs.map((r) => ({
        key: r.key?.toString('utf8') ?? null,
        // The input topic's name is side-specific; the masked `topic` field hides it in the value.
        value: r.value?.toString('utf8') ?? null,
        headers: r.headers.map(([k, v]) => [k, v.toString('utf8')]),
      }))
    assert.equal(j.length, LINES.length)
    // The chain did run on Java (so equality below is not two untransformed topics agreeing).
    const first = show(j)[0]!
    assert.deepEqual(
      first.headers.map(([k]) => k),
      ['literal', 'origin_h', 'line_h', 'kind'],
    )
    assert.match(String(first.key), /"k":"alpha"/)
    assert.match(
      String(first.value),
      /"name":"com.example.Line","version":2.*"payload":\{"masked_topic":"\*\*\*"\}/,
    )
    assert.deepEqual(show(s), show(j))
  })

  it('lists the same transformations and predicates, with the same config definitions', async () => {
    assert.ok(java && sluice)
    const listing = async (side: ConnectProcess) => {
      const r = await fetch(`${side.url}/connector-plugins?connectorsOnly=false`)
      const all = (await r.json()) as Array<{ class: string; type: string }>
      // Versions differ by design (Sluice reports its own, as for every plugin; test/compat/differences.ts).
      return all
        .filter((p) => p.class.startsWith(T))
        .map((p) => ({ class: p.class, type: p.type }))
        .sort((a, b) => (a.class < b.class ? -1 : 1))
    }
    const [j, s] = await Promise.all([listing(java), listing(sluice)])
    assert.equal(j.length, 29)
    assert.deepEqual(s, j)
    for (const { class: cls } of j) {
      const pluginConfig = async (side: ConnectProcess): Promise<{ status: number; body: unknown }> => {
        const r = await fetch(`${side.url}/connector-plugins/${encodeURIComponent(cls)}/config`)
        return { status: r.status, body: (await r.json()) as unknown }
      }
      const jc = await pluginConfig(java as ConnectProcess)
      const sc = await pluginConfig(sluice as ConnectProcess)
      assert.deepEqual(sc, jc, `GET /connector-plugins/${cls}/config`)
    }
  })

  it('reports the same config/validate errors for bad transform and predicate configs', async () => {
    assert.ok(java && sluice)
    const bad = {
      name: 'tchain-bad',
      'connector.class': 'FileStreamSource',
      topic: 'unused',
      transforms: 'cast,mask,ts,neg,ghost,route',
      'transforms.cast.type': `${T}Cast$Value`,
      'transforms.cast.spec': 'a:foo',
      'transforms.mask.type': `${T}MaskField$Value`,
      'transforms.mask.fields': '',
      'transforms.mask.replacement': '',
      'transforms.ts.type': `${T}TimestampConverter$Value`,
      'transforms.ts.target.type': 'date',
      'transforms.ts.unix.precision': 'hours',
      'transforms.neg.type': `${T}RegexRouter`,
      'transforms.neg.regex': 'a',
      'transforms.neg.replacement': 'b',
      'transforms.neg.negate': 'true',
      'transforms.ghost.type': 'com.example.NoSuchTransform',
      'transforms.route.type': `${T}predicates.TopicNameMatches`,
      predicates: 'p',
      'predicates.p.type': `${T}predicates.HasHeaderKey`,
      'predicates.p.name': '',
    }
    const validate = async (side: ConnectProcess) => {
      const r = await fetch(`${side.url}/connector-plugins/FileStreamSourceConnector/config/validate`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bad),
      })
      const body = (await r.json()) as {
        error_count: number
        configs: Array<{ value: { name: string; value: unknown; errors: string[] } }>
      }
      return {
        status: r.status,
        errorCount: body.error_count,
        configs: body.configs
          .map((c) => c.value)
          .filter((v) => v.name.startsWith('transforms') || v.name.startsWith('predicates'))
          // Versions are Sluice's own (see test/compat/differences.ts); everything else must match.
          .filter((v) => !v.name.endsWith('.plugin.version'))
          .map((v) => ({ name: v.name, value: v.value, errors: v.errors }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      }
    }
    const j = await validate(java)
    const s = await validate(sluice)
    assert.ok(j.errorCount >= 6, `Java reports the bad configs: ${JSON.stringify(j)}`)
    assert.deepEqual(s, j)
  })
})
