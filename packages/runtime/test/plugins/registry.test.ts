import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { NotFoundError } from '@sluice/api'
import { loadPluginRegistry } from '../../src/plugins/registry.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..')

describe('plugin registry', () => {
  test("built-in connectors resolve by Kafka's class name, simple name and alias", async () => {
    const r = await loadPluginRegistry()
    for (const name of [
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'FileStreamSourceConnector',
      'FileStreamSource',
    ]) {
      const e = r.resolve(name, 'source')
      assert.equal(e.className, 'org.apache.kafka.connect.file.FileStreamSourceConnector', name)
      assert.equal(e.kind, 'source')
    }
    assert.equal(r.resolve('FileStreamSink').kind, 'sink')
    assert.equal(r.resolve('org.apache.kafka.connect.json.JsonConverter', 'converter').kind, 'converter')
    assert.equal(
      r.resolve('StringConverter', 'converter').className,
      'org.apache.kafka.connect.storage.StringConverter',
    )
  })

  test('an unknown class names what was asked for and what exists', async () => {
    const r = await loadPluginRegistry()
    assert.throws(
      () => r.resolve('com.example.Nope', 'source'),
      (err: unknown) =>
        err instanceof NotFoundError &&
        /com\.example\.Nope/.test(err.message) &&
        /FileStreamSourceConnector/.test(err.message),
    )
  })

  test('third-party plugins load from plugin.path (the example plugin in examples/plugins)', async () => {
    const r = await loadPluginRegistry([path.join(repo, 'examples', 'plugins')])
    const e = r.find('UppercaseValue', 'transformation')
    assert.ok(e, 'the example transformation is listed')
    assert.match(e.modulePath, /examples\/plugins\/uppercase-transform/)
  })

  test('a plugin.path entry that is not a directory is a clear error', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-pp-')), 'nope')
    await assert.rejects(loadPluginRegistry([missing]), /plugin\.path entry .*nope is not a directory/)
  })
})
