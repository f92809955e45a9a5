import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { type CliContext, runCli, runConnectStandalone } from '../src/index.js'

function capture(): CliContext & { err: string; out: string } {
  const ctx = {
    err: '',
    out: '',
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    writeErr: (t: string) => {
      ctx.err += t
    },
    writeOut: (t: string) => {
      ctx.out += t
    },
  }
  return ctx
}

describe('sluice / connect-standalone command line', () => {
  it('exits 1 with usage when the worker properties are missing, 0 for --help', async () => {
    const c = capture()
    assert.equal(await runCli(['standalone'], c), 1)
    assert.match(c.err, /missing required argument 'worker.properties'/)
    assert.match(
      c.err,
      /Usage: sluice standalone worker.properties \[connector1.properties connector2.json \.\.\.\]/,
    )
    const h = capture()
    assert.equal(await runConnectStandalone(['--help'], h), 0)
    assert.match(h.out, /^Usage: connect-standalone worker.properties/)
  })

  it('exits 2 with the file, key and fix, without a stack trace, for a bad worker config', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cli-'))
    const w = path.join(dir, 'w.properties')
    writeFileSync(
      w,
      'key.converter=org.apache.kafka.connect.json.JsonConverter\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\n',
    )
    const c = capture()
    assert.equal(await runConnectStandalone([w], c), 2)
    assert.equal(
      c.err,
      `connect-standalone: invalid worker configuration in ${w} (1 error):\n` +
        '  - offset.storage.file.filename: Missing required configuration "offset.storage.file.filename" which has no default value.\n' +
        `    fix: add a line to ${w}, e.g. offset.storage.file.filename=/tmp/connect.offsets\n`,
    )
    assert.doesNotMatch(c.err, /\bat .*\.js:\d+/)
  })

  it('exits 3 for a connector file without a name, before starting anything', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-cli-'))
    const w = path.join(dir, 'w.properties')
    writeFileSync(
      w,
      `key.converter=JsonConverter\nvalue.converter=JsonConverter\noffset.storage.file.filename=${dir}/o\nlisteners=http://127.0.0.1:0\n`,
    )
    const conn = path.join(dir, 'c.properties')
    writeFileSync(conn, 'connector.class=FileStreamSink\n')
    const c = capture()
    assert.equal(await runCli(['standalone', w, conn], c), 3)
    assert.match(c.err, /is missing the mandatory 'name' configuration/)
  })
})
