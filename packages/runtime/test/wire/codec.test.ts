import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MessageChannel } from 'node:worker_threads'
import { ConfigError, decodeError, encodeError } from '@sluice/api'
import { decode, encode, send } from '../../src/wire/codec.js'
import type { FromTask } from '../../src/wire/messages.js'
import { packProduceRecords, unpackConsumed } from '../../src/wire/packed-records.js'

describe('wire codec (msgpackr, transferred buffers)', () => {
  test('a source batch crosses as a msgpackr head plus its packed buffer, transferred not copied', async () => {
    const records = packProduceRecords([
      [0, -1, new Uint8Array([1, 2]), new Uint8Array([0, 255]), 123, ['h', new Uint8Array([9])]],
      [0, 3, null, new Uint8Array(0), -1, null],
    ])
    const msg: FromTask = {
      type: 'batch',
      batch: 7,
      topics: ['t'],
      records,
      offsets: [[{ filename: 'f' }, { position: 10 }]],
    }
    const { port1, port2 } = new MessageChannel()
    const got = new Promise<FromTask>((resolve) => port2.once('message', (m) => resolve(decode<FromTask>(m))))
    const bytes = records.buffer.byteLength
    send(port1, msg)
    assert.equal(records.buffer.byteLength, 0, 'the sender no longer holds the batch')
    const back = await got
    port1.close()
    port2.close()
    assert.equal(back.type, 'batch')
    if (back.type !== 'batch') return
    assert.equal(back.records.buffer.byteLength, bytes)
    assert.deepEqual(back.offsets, msg.offsets)
    const [a, b] = unpackConsumed(back.records)
    assert.deepEqual(Array.from(a?.[6] ?? []), [0, 255])
    assert.deepEqual(Array.from(a?.[5] ?? []), [1, 2])
    assert.equal(a?.[7]?.[0], 'h')
    assert.deepEqual(Array.from((a?.[7]?.[1] as Uint8Array) ?? []), [9])
    assert.equal(b?.[1], 3)
    assert.equal(b?.[5], null, 'null key stays null')
    assert.equal(b?.[6]?.byteLength, 0, 'empty value stays empty, not null')
    assert.equal(b?.[7], null)
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
