import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { CliError, parseConnectorFile } from '../src/index.js'

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-connectors-'))
function file(name: string, content: string): string {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('parseConnectorFile (ConnectStandalone.parseConnectorConfigurationFile)', () => {
  it('reads a properties file', () => {
    const f = file(
      'src.properties',
      'name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=test.txt\n',
    )
    assert.deepEqual(parseConnectorFile(f), {
      file: f,
      name: 'local-file-source',
      config: {
        name: 'local-file-source',
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: 'test.txt',
      },
    })
  })

  it('reads a flat JSON map, coercing numbers and booleans to strings like Jackson', () => {
    const f = file(
      'flat.json',
      '{"name":"j","connector.class":"FileStreamSink","tasks.max":2,"errors.log.enable":true}',
    )
    const c = parseConnectorFile(f)
    assert.equal(c.name, 'j')
    assert.deepEqual(c.config, {
      name: 'j',
      'connector.class': 'FileStreamSink',
      'tasks.max': '2',
      'errors.log.enable': 'true',
    })
    assert.equal(c.initialState, undefined)
  })

  it('reads a CreateConnectorRequest, adding the name and mapping initial_state case-insensitively', () => {
    const f = file(
      'req.json',
      '{"name":"r","config":{"connector.class":"FileStreamSink"},"initial_state":"stopped","other":1}',
    )
    assert.deepEqual(parseConnectorFile(f), {
      file: f,
      name: 'r',
      config: { 'connector.class': 'FileStreamSink', name: 'r' },
      initialState: 'STOPPED',
    })
    assert.equal(
      parseConnectorFile(file('run.json', '{"name":"r","config":{},"initial_state":"RUNNING"}')).initialState,
      'STARTED',
    )
  })

  it('rejects a name in config that differs from the request name, naming the file', () => {
    const f = file('mismatch.json', '{"name":"a","config":{"name":"b"}}')
    assert.throws(
      () => parseConnectorFile(f),
      (e: unknown) =>
        e instanceof CliError &&
        e.exitCode === 3 &&
        e.message.startsWith(
          `Connector name configuration in 'config' doesn't match the one specified in 'name' at '${f}'`,
        ),
    )
  })

  it('requires a name in every format', () => {
    for (const [n, content] of [
      ['noname.properties', 'connector.class=FileStreamSink\n'],
      ['noname.json', '{"connector.class":"FileStreamSink"}'],
      // An unknown initial_state is not a CreateConnectorRequest for Jackson; as properties it has no name.
      ['badstate.json', '{"name":"a","config":{},"initial_state":"SLEEPING"}'],
    ] as const) {
      const f = file(n, content)
      assert.throws(
        () => parseConnectorFile(f),
        (e: unknown) =>
          e instanceof CliError &&
          e.exitCode === 3 &&
          e.message.startsWith(
            `Connector configuration at '${f}' is missing the mandatory 'name' configuration`,
          ),
        n,
      )
    }
  })

  it('fails with exit 3 for an unreadable file', () => {
    assert.throws(
      () => parseConnectorFile(path.join(dir, 'missing.json')),
      (e: unknown) => e instanceof CliError && e.exitCode === 3,
    )
  })
})
