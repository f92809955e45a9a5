import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createRestServer, type RestServer } from '../src/index.js'
import { FakeHerder } from './fake-herder.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

async function server(
  props: Record<string, string> = {},
  herder: FakeHerder | null = new FakeHerder(),
): Promise<RestServer> {
  return createRestServer({
    ...(herder !== null && { herder }),
    workerProps: { listeners: 'http://127.0.0.1:0', ...props },
    serverInfo: { version: '9.9.9', commit: 'abc' },
  })
}

describe('REST server routes (in-memory herder)', () => {
  let rest: RestServer
  let herder: FakeHerder
  before(async () => {
    herder = new FakeHerder()
    rest = await server({}, herder)
    await rest.start()
  })
  after(() => rest.stop())

  const call = async (
    method: string,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = JSON_HEADERS,
  ) => {
    const r = await rest.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined && {
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      }),
    })
    return {
      status: r.statusCode,
      headers: r.headers,
      text: r.body,
      json: r.body === '' ? undefined : JSON.parse(r.body),
    }
  }

  it('POST /connectors/{c}/dlq/replay (Sluice extension) reports counts and is in the OpenAPI document', async () => {
    const r = await call('POST', '/connectors/my-sink/dlq/replay?from=4&to=7', undefined, {})
    assert.equal(r.status, 200)
    assert.deepEqual(r.json, {
      connector: 'my-sink',
      topic: 'dlq',
      from: 4,
      to: 7,
      read: 3,
      put: 2,
      failed: 1,
    })
    assert.deepEqual(herder.replays.at(-1), { name: 'my-sink', from: 4, to: 7 })
    const bad = await call('POST', '/connectors/my-sink/dlq/replay?from=-1', undefined, {})
    assert.equal(bad.status, 400)
    const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, unknown> }
    const path = Object.keys(doc.paths).find((p) => p.includes('/dlq/replay'))
    assert.ok(path !== undefined, 'documented in /openapi.json')
    const post = (doc.paths[path] as { post?: { description?: string } }).post
    assert.match(
      post?.description ?? '',
      /source connector .*produced to that topic/,
      'both sides documented',
    )
  })

  it('GET / answers ServerInfo', async () => {
    const r = await call('GET', '/')
    assert.equal(r.status, 200)
    assert.equal(r.text, '{"version":"9.9.9","commit":"abc","kafka_cluster_id":"cluster-1"}')
    assert.equal(r.headers['content-type'], 'application/json')
  })

  it('GET /health is healthy once the herder is ready', async () => {
    const r = await call('GET', '/health')
    assert.deepEqual(
      [r.status, r.json],
      [200, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }],
    )
  })

  it('creates a connector: 201, absolute Location, ConnectorInfo with the name injected last', async () => {
    const r = await call('POST', '/connectors', {
      name: ' src ',
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': 1 },
    })
    assert.equal(r.status, 201)
    assert.match(String(r.headers.location), /^http:\/\/[^/]+\/connectors\/src$/)
    assert.equal(
      r.text,
      '{"name":"src","config":{"connector.class":"FileStreamSource","tasks.max":"1","name":"src"},"tasks":[{"connector":"src","task":0}],"type":"source"}',
    )
  })

  it('answers 409 for a duplicate and 400 for a name mismatch', async () => {
    const dup = await call('POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource' },
    })
    assert.deepEqual(
      [dup.status, dup.json],
      [409, { error_code: 409, message: 'Connector src already exists' }],
    )
    const mismatch = await call('PUT', '/connectors/src/config', { name: 'other', 'connector.class': 'X' })
    assert.deepEqual(mismatch.json, {
      error_code: 400,
      message: "Connector name configuration (other) doesn't match connector name in the URL (src)",
    })
  })

  it('PUT config creates (201 + Location) or updates (200)', async () => {
    const created = await call('PUT', '/connectors/snk/config', {
      'connector.class': 'FileStreamSink',
      topics: 't',
    })
    assert.equal(created.status, 201)
    assert.ok(created.headers.location)
    const updated = await call('PUT', '/connectors/snk/config', {
      'connector.class': 'FileStreamSink',
      topics: 'u',
    })
    assert.equal(updated.status, 200)
    assert.equal(updated.headers.location, undefined)
    const patched = await call('PATCH', '/connectors/snk/config', { topics: null, file: '/tmp/x' })
    assert.equal(patched.status, 200)
    assert.equal(patched.json.config.topics, undefined)
  })

  it('lists connectors in Java HashMap order, with repeated expand', async () => {
    const listed = await call('GET', '/connectors')
    assert.deepEqual(listed.json, ['snk', 'src'], listed.text)
    const expanded = await call('GET', '/connectors?expand=info&expand=status&expand=bogus')
    assert.deepEqual(Object.keys(expanded.json), ['snk', 'src'])
    assert.deepEqual(Object.keys(expanded.json.src), ['info', 'status'])
    const statusOnly = await call('GET', '/connectors?expand=status')
    assert.deepEqual(Object.keys(statusOnly.json.src), ['status'])
  })

  it('serializes status with Kafka 4.1 field order', async () => {
    const r = await call('GET', '/connectors/src/status')
    assert.equal(
      r.text,
      '{"name":"src","connector":{"state":"RUNNING","worker_id":"127.0.0.1:8083","version":"1.0.0"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"127.0.0.1:8083","version":"1.0.0"}],"type":"source"}',
    )
    const task = await call('GET', '/connectors/src/tasks/0/status')
    assert.equal(task.text, '{"id":0,"state":"RUNNING","worker_id":"127.0.0.1:8083","version":"1.0.0"}')
  })

  it('maps herder errors (404) and non-integer task ids (Jersey 404)', async () => {
    const missing = await call('GET', '/connectors/nope')
    assert.deepEqual(
      [missing.status, missing.json],
      [404, { error_code: 404, message: 'Connector nope not found' }],
    )
    const badTask = await call('GET', '/connectors/src/tasks/abc/status')
    assert.deepEqual(
      [badTask.status, badTask.json],
      [404, { error_code: 404, message: 'HTTP 404 Not Found' }],
    )
  })

  it('restart: 204 plain, 202 with state otherwise; Boolean.valueOf flags', async () => {
    assert.equal((await call('POST', '/connectors/src/restart')).status, 204)
    assert.equal((await call('POST', '/connectors/src/restart?includeTasks=yes')).status, 204)
    const r = await call('POST', '/connectors/src/restart?includeTasks=TRUE&onlyFailed=false')
    assert.equal(r.status, 202)
    assert.equal(r.json.connector.state, 'RESTARTING')
    assert.deepEqual(herder.lastRestart, { connector: 'src', includeTasks: true, onlyFailed: false })
    assert.equal((await call('POST', '/connectors/src/tasks/0/restart')).status, 204)
  })

  it('pause/resume 202 without body or content type, stop 204', async () => {
    const p = await call('PUT', '/connectors/src/pause')
    assert.deepEqual([p.status, p.text, p.headers['content-type']], [202, '', undefined])
    assert.equal((await call('PUT', '/connectors/src/resume')).status, 202)
    assert.equal((await call('PUT', '/connectors/src/stop')).status, 204)
  })

  it('offsets: empty alter rejected, sink partition "10" normalized, messages passed through', async () => {
    const empty = await call('PATCH', '/connectors/snk/offsets', { offsets: [] })
    assert.deepEqual(empty.json, {
      error_code: 400,
      message: 'Partitions / offsets need to be provided for an alter offsets request',
    })
    const running = await call('PATCH', '/connectors/snk/offsets', {
      offsets: [{ partition: { kafka_topic: 't', kafka_partition: 0 }, offset: { kafka_offset: 1 } }],
    })
    assert.equal(running.status, 400)
    assert.match(running.json.message, /^Connectors must be in the STOPPED state/)
    await call('PUT', '/connectors/snk/stop')
    const bad = await call('PATCH', '/connectors/snk/offsets', {
      offsets: [{ partition: { kafka_topic: 't', kafka_partition: 'x' }, offset: null }],
    })
    assert.equal(
      bad.json.message,
      "Failed to parse the following Kafka partition value in the provided offsets: 'x'. Partition values for sink connectors need to be integers.",
    )
    const ok = await call('PATCH', '/connectors/snk/offsets', {
      offsets: [{ partition: { kafka_topic: 't', kafka_partition: '10' }, offset: { kafka_offset: '5' } }],
    })
    assert.deepEqual(ok.json, { message: 'The offsets for this connector have been altered successfully' })
    const got = await call('GET', '/connectors/snk/offsets')
    // Java lists sink partitions as a HashMap: kafka_partition before kafka_topic.
    assert.equal(
      got.text,
      '{"offsets":[{"partition":{"kafka_partition":10,"kafka_topic":"t"},"offset":{"kafka_offset":5}}]}',
    )
    const reset = await call('DELETE', '/connectors/snk/offsets')
    assert.deepEqual(reset.json, { message: 'The offsets for this connector have been reset successfully' })
  })

  it('plugins: connectors only by default, ordered by kind then class, "undefined" versions left out', async () => {
    const only = await call('GET', '/connector-plugins')
    assert.deepEqual(
      only.json.map((p: { class: string }) => p.class),
      [
        'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
      ],
    )
    const all = await call('GET', '/connector-plugins?connectorsOnly=false')
    assert.deepEqual(
      all.json.map((p: { type: string }) => p.type),
      ['sink', 'source', 'transformation', 'converter'],
    )
    assert.equal(all.json[2].version, undefined)
    const cfg = await call('GET', '/connector-plugins/FileStreamSource/config?version=1.0.0')
    assert.equal(cfg.status, 200)
    assert.equal(herder.lastPluginVersion, '1.0.0')
    assert.deepEqual(Object.keys(cfg.json[0]), [
      'name',
      'type',
      'required',
      'default_value',
      'importance',
      'documentation',
      'group',
      'order_in_group',
      'width',
      'display_name',
      'dependents',
    ])
    const unknown = await call('GET', '/connector-plugins/Nope/config')
    assert.deepEqual(
      [unknown.status, unknown.json],
      [404, { error_code: 404, message: 'Unknown plugin Nope.' }],
    )
  })

  it('validate: mismatch 400, herder failures 500 with the Java exception name, results 200', async () => {
    const mismatch = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', {
      'connector.class': 'FileStreamSource',
    })
    assert.deepEqual(mismatch.json, {
      error_code: 400,
      message: 'Included connector type FileStreamSource does not match request type FileStreamSink',
    })
    const noClass = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { topics: 'a' })
    assert.deepEqual(noClass.json, {
      error_code: 500,
      message:
        'org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Connector config contains no connector type',
    })
    const ok = await call('PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
      'connector.class': 'FileStreamSource',
    })
    assert.equal(ok.status, 200)
    assert.equal(ok.json.error_count, 1)
    assert.deepEqual(Object.keys(ok.json), ['name', 'error_count', 'groups', 'configs'])
  })

  it('answers Jersey errors without content type: 404 path, 405 method, 415 media type, 406 accept', async () => {
    const notFound = await call('GET', '/nope')
    assert.deepEqual(
      [notFound.status, notFound.text, notFound.headers['content-type']],
      [404, '{"error_code":404,"message":"HTTP 404 Not Found"}', undefined],
    )
    const notAllowed = await call('DELETE', '/connectors')
    assert.deepEqual(
      [notAllowed.status, notAllowed.json.message, notAllowed.headers['content-type']],
      [405, 'HTTP 405 Method Not Allowed', undefined],
    )
    const media = await call('POST', '/connectors', '{}', { 'content-type': 'text/plain' })
    assert.deepEqual([media.status, media.json.message], [415, 'HTTP 415 Unsupported Media Type'])
    const rootAnyType = await call('GET', '/', undefined, { 'content-type': 'text/plain' })
    assert.equal(rootAnyType.status, 200)
    const accept = await call('GET', '/connectors', undefined, { accept: 'text/html' })
    assert.deepEqual([accept.status, accept.json.message], [406, 'HTTP 406 Not Acceptable'])
    const options = await rest.app.inject({ method: 'OPTIONS', url: '/connectors' })
    assert.deepEqual(
      [options.statusCode, options.headers.allow, options.body],
      [200, 'HEAD,POST,GET,OPTIONS', 'HEAD, POST, GET, OPTIONS'],
    )
    const slash = await call('GET', '/connectors/')
    assert.equal(slash.status, 200)
  })

  it('malformed JSON and empty bodies are 500 with Jackson/NPE messages', async () => {
    const bad = await call('POST', '/connectors', '{bad')
    assert.equal(bad.status, 500)
    assert.match(
      bad.json.message,
      /^Unexpected character \('b' \(code 98\)\): was expecting double-quote to start field name/,
    )
    const empty = await call('POST', '/connectors', '')
    assert.deepEqual(empty.json, {
      error_code: 500,
      message:
        'Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()" because "createRequest" is null',
    })
  })

  it('admin loggers: set, get, scope, errors', async () => {
    const set = await call('PUT', '/admin/loggers/org.sluice', { level: 'debug' })
    assert.deepEqual([set.status, set.json], [200, ['org.sluice']])
    const get = await call('GET', '/admin/loggers/org.sluice')
    assert.equal(get.json.level, 'DEBUG')
    assert.equal(typeof get.json.last_modified, 'number')
    const cluster = await call('PUT', '/admin/loggers/org.sluice?scope=cluster', { level: 'WARN' })
    assert.equal(cluster.status, 204)
    assert.equal(rest.loggers.effectiveLevel('org.sluice.x'), 'WARN')
    const bogusScope = await call('PUT', '/admin/loggers/a.b?scope=bogus', { level: 'ERROR' })
    assert.deepEqual(bogusScope.json, ['a.b'])
    const invalid = await call('PUT', '/admin/loggers/a.b', { level: 'LOUD' })
    assert.deepEqual([invalid.status, invalid.json.message], [404, "invalid log level 'LOUD'."])
    const missing = await call('PUT', '/admin/loggers/a.b', {})
    assert.deepEqual(
      [missing.status, missing.json.message],
      [400, "Desired 'level' parameter was not specified in request."],
    )
    const unknown = await call('GET', '/admin/loggers/zzz')
    assert.deepEqual([unknown.status, unknown.json.message], [404, 'Logger zzz not found.'])
    const all = await call('GET', '/admin/loggers')
    assert.deepEqual(Object.keys(all.json), ['a.b', 'org.sluice', 'root'])
  })

  it('topics: tracked topics per connector', async () => {
    const r = await call('GET', '/connectors/src/topics')
    assert.deepEqual(r.json, { src: { topics: ['t1'] } })
    assert.equal((await call('PUT', '/connectors/src/topics/reset')).status, 202)
  })

  it('delete 204, then 404', async () => {
    assert.equal((await call('DELETE', '/connectors/src')).status, 204)
    assert.equal((await call('GET', '/connectors/src')).status, 404)
  })

  it('serves connector names of any length on every connector endpoint (no 414)', async () => {
    for (const length of [101, 1000, 8000]) {
      const name = `c${'x'.repeat(length - 1)}`
      const config = { 'connector.class': 'FileStreamSink', topics: 't', file: '/tmp/f' }
      const created = await call('POST', '/connectors', { name, config })
      assert.equal(created.status, 201, created.text.slice(0, 200))
      assert.equal(created.json.name, name)
      const base = `/connectors/${name}`
      for (const [method, suffix, expected] of [
        ['GET', '', 200],
        ['GET', '/config', 200],
        ['GET', '/status', 200],
        ['GET', '/tasks', 200],
        ['GET', '/topics', 200],
        ['GET', '/offsets', 200],
        ['PUT', '/pause', 202],
        ['PUT', '/resume', 202],
        ['POST', '/restart', 204],
        ['PUT', '/config', 200],
        ['PATCH', '/config', 200],
        ['DELETE', '', 204],
      ] as const) {
        const body = method === 'PUT' && suffix === '/config' ? config : method === 'PATCH' ? {} : undefined
        const r = await call(method, `${base}${suffix}`, body, body === undefined ? {} : JSON_HEADERS)
        assert.equal(
          r.status,
          expected,
          `${method} ${suffix} with a ${length}-character name: ${r.text.slice(0, 200)}`,
        )
      }
      // Unknown long names get Kafka's 404 entity, not a router error.
      const missing = await call('GET', `${base}/status`)
      assert.equal(missing.status, 404)
      assert.equal(missing.json.error_code, 404)
    }
  })

  it('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const doc = (await call('GET', '/openapi.json')).json
    assert.equal(doc.openapi, '3.0.3')
    assert.ok(doc.paths['/connectors/{connector}/status'].get)
    assert.ok(doc.components.schemas.ConnectorStateInfo)
    assert.equal(doc.paths['/connectors/{connector}/fence'], undefined)
  })

  it('serves real HTTP on the bound URL', async () => {
    const r = await fetch(`${rest.url}connectors`)
    assert.equal(r.status, 200)
    assert.equal(rest.workerId(), `127.0.0.1:${new URL(rest.url).port}`)
  })
})

describe('REST server worker keys', () => {
  it('admin.listeners empty disables /admin/loggers; a separate admin listener serves only them', async () => {
    const disabled = await server({ 'admin.listeners': '' })
    await disabled.start()
    try {
      assert.equal((await disabled.app.inject({ url: '/admin/loggers' })).statusCode, 404)
      assert.equal(disabled.adminUrl, null)
    } finally {
      await disabled.stop()
    }
    const separate = await server({ 'admin.listeners': 'http://127.0.0.1:0' })
    await separate.start()
    try {
      assert.equal((await separate.app.inject({ url: '/admin/loggers' })).statusCode, 404)
      assert.ok(separate.adminApp)
      assert.equal((await separate.adminApp.inject({ url: '/admin/loggers' })).statusCode, 200)
      assert.equal((await separate.adminApp.inject({ url: '/connectors' })).statusCode, 404)
      const r = await fetch(`${separate.adminUrl}admin/loggers/root`)
      assert.equal(r.status, 200)
      assert.notEqual(separate.adminUrl, separate.url)
    } finally {
      await separate.stop()
    }
  })

  it('advertises rest.advertised.host.name/port as the worker id', async () => {
    const rest = await server({ 'rest.advertised.host.name': 'connect-1', 'rest.advertised.port': '9999' })
    await rest.start()
    try {
      assert.equal(rest.workerId(), 'connect-1:9999')
      assert.equal(rest.advertisedUrl(), 'http://connect-1:9999/')
    } finally {
      await rest.stop()
    }
  })

  it('applies CORS and response.http.headers.config', async () => {
    const rest = await server({
      'access.control.allow.origin': 'http://ui.example',
      'access.control.allow.methods': 'GET,PUT',
      'response.http.headers.config': 'set X-Frame-Options: DENY,"add Cache-Control: no-cache, no-store"',
    })
    await rest.start()
    try {
      const simple = await rest.app.inject({ url: '/connectors', headers: { origin: 'http://ui.example' } })
      assert.equal(simple.headers['access-control-allow-origin'], 'http://ui.example')
      assert.equal(simple.headers['access-control-allow-credentials'], 'true')
      assert.equal(simple.headers['x-frame-options'], 'DENY')
      assert.equal(simple.headers['cache-control'], 'no-cache, no-store')
      const other = await rest.app.inject({ url: '/connectors', headers: { origin: 'http://evil.example' } })
      assert.equal(other.headers['access-control-allow-origin'], undefined)
      const preflight = await rest.app.inject({
        method: 'OPTIONS',
        url: '/connectors',
        headers: { origin: 'http://ui.example', 'access-control-request-method': 'PUT' },
      })
      assert.equal(preflight.headers['access-control-allow-methods'], 'GET,PUT')
      assert.equal(preflight.headers['access-control-max-age'], '1800')
      const notFound = await rest.app.inject({ url: '/nope' })
      assert.equal(notFound.headers['x-frame-options'], 'DENY')
    } finally {
      await rest.stop()
    }
  })

  it('rejects invalid REST keys with Kafka messages', async () => {
    await assert.rejects(server({ 'response.http.headers.config': 'nope X: y' }), {
      message: "Invalid header config action: 'nope'. Expected one of [set, add, setDate, addDate]",
    })
    await assert.rejects(server({ listeners: 'ftp://x:1' }), {
      message: 'Listener protocol must be either "http" or "https".',
    })
    await assert.rejects(server({ listeners: 'nohost' }), {
      message: "Listener doesn't have the right format (protocol://hostname:port).",
    })
  })

  it('answers 503 until a herder is attached', async () => {
    const rest = await server({}, null)
    await rest.start()
    try {
      const health = await rest.app.inject({ url: '/health' })
      assert.deepEqual(
        [health.statusCode, JSON.parse(health.body)],
        [503, { status: 'starting', message: 'Worker is still starting up.' }],
      )
      assert.equal((await rest.app.inject({ url: '/connectors' })).statusCode, 503)
      rest.attachHerder(new FakeHerder())
      assert.equal((await rest.app.inject({ url: '/connectors' })).statusCode, 200)
    } finally {
      await rest.stop()
    }
  })
})

describe('GET /metrics', () => {
  it('serves the telemetry text when given, 503 until it is ready, and is absent otherwise', async () => {
    let text: string | undefined
    const rest = await createRestServer({
      herder: new FakeHerder(),
      workerProps: { listeners: 'http://127.0.0.1:0' },
      metrics: () => (text === undefined ? undefined : Promise.resolve(text)),
    })
    const plain = await server()
    try {
      const early = await rest.app.inject({ method: 'GET', url: '/metrics' })
      assert.equal(early.statusCode, 503)
      text = 'kafka_connect_connect_worker_metrics_connector_count 1\n'
      const r = await rest.app.inject({ method: 'GET', url: '/metrics' })
      assert.equal(r.statusCode, 200)
      assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
      assert.equal(r.body, text)
      assert.equal((await plain.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404)
    } finally {
      await rest.app.close()
      await plain.app.close()
    }
  })
})
