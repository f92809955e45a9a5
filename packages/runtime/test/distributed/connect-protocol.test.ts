import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  type ConnectAssignment,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  offeredProtocols,
} from '../../src/distributed/connect-protocol.js'
import { javaGroupMembers } from '../java-vectors.js'

const LEADER = 'connect-127.0.0.1:18183-557b6c6d-d412-4d64-a9a1-72e0bedaf8eb'
const URL = 'http://127.0.0.1:18183/'

describe('Connect protocol blobs against a Java 4.4 worker', () => {
  const [running, afterSink] = javaGroupMembers()
  assert.ok(running && afterSink)

  test('V2 metadata with an allocation (fs-source and its task) decodes and re-encodes to the same bytes', () => {
    const bytes = Buffer.from(running.metadata, 'hex')
    const m = decodeMetadata(bytes)
    assert.equal(m.version, 2)
    assert.equal(m.url, URL)
    assert.equal(m.configOffset, 4n)
    assert.ok(m.allocation)
    assert.equal(m.allocation.version, 2)
    assert.equal(m.allocation.leader, LEADER)
    assert.equal(m.allocation.configOffset, 2n)
    assert.deepEqual(m.allocation.assigned, { connectors: ['fs-source'], tasks: [] })
    assert.deepEqual(m.allocation.revoked, { connectors: [], tasks: [] })
    assert.equal(m.allocation.delay, 0)
    assert.equal(encodeMetadata(m).toString('hex'), running.metadata)
  })

  test('V2 assignment (incremental: the new task only) decodes and re-encodes byte for byte', () => {
    const a = decodeAssignment(Buffer.from(running.assignment, 'hex'))
    assert.deepEqual(
      { ...a, assigned: a.assigned },
      {
        version: 2,
        error: 0,
        leader: LEADER,
        leaderUrl: URL,
        configOffset: 4n,
        assigned: { connectors: [], tasks: [{ connector: 'fs-source', task: 0 }] },
        revoked: { connectors: [], tasks: [] },
        delay: 0,
      },
    )
    assert.equal(encodeAssignment(a).toString('hex'), running.assignment)
  })

  test('allocation with two connectors keeps -1 first and both connectors', () => {
    const m = decodeMetadata(Buffer.from(afterSink.metadata, 'hex'))
    assert.equal(m.configOffset, 18n)
    assert.deepEqual(m.allocation?.assigned, {
      connectors: ['fs-sink', 'fs-source'],
      tasks: [
        { connector: 'fs-sink', task: 0 },
        { connector: 'fs-sink', task: 1 },
      ],
    })
    assert.equal(encodeMetadata(m).toString('hex'), afterSink.metadata)
    const a = decodeAssignment(Buffer.from(afterSink.assignment, 'hex'))
    assert.deepEqual(a.assigned, { connectors: [], tasks: [] })
    assert.equal(encodeAssignment(a).toString('hex'), afterSink.assignment)
  })

  test('a fresh worker: V2 metadata with a null allocation (the documented ffffffff)', () => {
    const bytes = encodeMetadata({
      version: 2,
      url: 'http://127.0.0.1:18083/',
      configOffset: 4n,
      allocation: null,
    })
    assert.equal(
      bytes.toString('hex'),
      `00020017${Buffer.from('http://127.0.0.1:18083/').toString('hex')}0000000000000004ffffffff`,
    )
    assert.equal(decodeMetadata(bytes).allocation, null)
  })

  test('V0 (eager) blobs carry no allocation, revoked or delay; V1 re-headers the allocation', () => {
    const a: ConnectAssignment = {
      version: 0,
      error: 1,
      leader: 'l',
      leaderUrl: 'http://l/',
      configOffset: -1n,
      assigned: { connectors: ['b'], tasks: [{ connector: 'a', task: 1 }] },
      revoked: { connectors: ['x'], tasks: [] },
      delay: 9,
    }
    const v0 = encodeAssignment(a)
    // header, error, "l", "http://l/", offset -1, 2 entries: b [-1], a [1]
    assert.equal(
      v0.toString('hex'),
      '00000001' +
        '00016c' +
        `0009${Buffer.from('http://l/').toString('hex')}` +
        'ffffffffffffffff' +
        '00000002' +
        '000162' +
        '00000001ffffffff' +
        '000161' +
        '0000000100000001',
    )
    const back = decodeAssignment(v0)
    assert.deepEqual(back.revoked, { connectors: [], tasks: [] })
    assert.equal(back.delay, 0)
    const m0 = encodeMetadata({ version: 0, url: 'u', configOffset: 7n, allocation: a })
    assert.equal(m0.toString('hex'), `0000000175${'0000000000000007'}`)
    const m1 = decodeMetadata(encodeMetadata({ version: 1, url: 'u', configOffset: 7n, allocation: a }))
    assert.equal(m1.allocation?.version, 1)
    assert.deepEqual(m1.allocation?.revoked, { connectors: ['x'], tasks: [] })
    assert.equal(m1.allocation?.delay, 9)
  })

  test('truncated blobs name the blob and the byte', () => {
    assert.throws(
      () => decodeMetadata(Buffer.from('0002001768', 'hex')),
      /Connect member metadata: truncated/,
    )
    assert.throws(
      () => decodeAssignment(Buffer.from('0002', 'hex')),
      /Connect assignment: truncated at byte 2/,
    )
  })

  test('protocols offered per connect.protocol', () => {
    assert.deepEqual(offeredProtocols('sessioned'), ['sessioned', 'compatible', 'default'])
    assert.deepEqual(offeredProtocols('compatible'), ['compatible', 'default'])
    assert.deepEqual(offeredProtocols('default'), ['default'])
  })
})
