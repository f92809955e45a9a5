import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MessageChannel } from 'node:worker_threads'
import { ConfigError, decodeError, encodeError } from '@sluice/api'
import { decode, encode, send } from '../../src/wire/codec.js'
import type { FromTask } from '../../src/wire/messages.js'

describe('wire codec (msgpackr, transferred buffers)', () => {
  test('a source batch round-trips with binary fields intact', () => {
    const msg: FromTask = {
      type: 'batch',
      batch: 7,
      topics: ['t'],
      records: [[0, -1, new Uint8Array([1, 2]), new Uint8Array([0, 255]), 123, ['h', new Uint8Array([9])]]],
      offsets: [[{ filename: 'f' }, { position: 10 }]],
    }
    const back = decode<FromTask>(encode(msg))
    assert.equal(back.type, 'batch')
    if (back.type !== 'batch') return
    assert.deepEqual(Array.from(back.records[0]?.[3] ?? []), [0, 255])
    assert.deepEqual(back.offsets, msg.offsets)
  })

  test('errors cross as explicit envelopes and come back with code, subclass and cause', () => {
    const err = new ConfigError(
      'bad',
      { topic: ['missing'] },
      { stage: 'task.start', cause: new Error('root') },
    )
    const back = decodeError(decode(encode(encodeError(err))))
    assert.ok(back instanceof ConfigError)
    assert.equal(back.code, 'XC_CONFIG_INVALID')
    assert.equal(back.stage, 'task.start')
    assert.deepEqual(back.errors, { topic: ['missing'] })
    assert.equal((back.cause as Error).message, 'root')
  })

  test('send transfers the buffer: the bytes move, they are not copied', async () => {
    const { port1, port2 } = new MessageChannel()
    const got = new Promise<unknown>((resolve) =>
      port2.once('message', (b: ArrayBuffer) => resolve(decode(b))),
    )
    send(port1, { type: 'stop' })
    assert.deepEqual(await got, { type: 'stop' })
    port1.close()
    port2.close()
  })
})
