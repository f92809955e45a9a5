import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js'
import { readJavaByteArrayMap, writeJavaByteArrayMap } from '../../src/offsets/java-serialized-map.js'

// Test vectors written by Java 17's ObjectOutputStream from a HashMap<byte[], byte[]>, exactly as Kafka
// Connect's FileOffsetBackingStore saves offsets (program: new HashMap, put, writeObject; run once with
// javac/java 17). One entry: the quickstart source's offset; two entries: one with a null value.
const JAVA_ONE = Buffer.from(
  'aced0005737200116a6176612e7574696c2e486173684d61700507dac1c31660d103000246000a6c6f6164466163746f724900097468726573686f6c6478703f4000000000000c77080000001000000001757200025b42acf317f8060854e002000078700000002d5b226c6f63616c2d66696c652d736f75726365222c7b2266696c656e616d65223a22746573742e747874227d5d7571007e0002000000117b22706f736974696f6e223a313233347d78',
  'hex',
)
const JAVA_TWO = Buffer.from(
  'aced0005737200116a6176612e7574696c2e486173684d61700507dac1c31660d103000246000a6c6f6164466163746f724900097468726573686f6c6478703f4000000000000c77080000001000000002757200025b42acf317f8060854e002000078700000000d5b2263222c7b2270223a327d5d707571007e00020000000d5b2263222c7b2270223a317d5d7571007e0002000000077b226f223a317d78',
  'hex',
)

const tmp = () => mkdtempSync(path.join(tmpdir(), 'sluice-offsets-'))

describe('Java-serialized HashMap<byte[], byte[]>', () => {
  test('reads what Java wrote', () => {
    const [entry] = readJavaByteArrayMap(JAVA_ONE, 'java-one')
    assert.equal(entry?.[0].toString(), '["local-file-source",{"filename":"test.txt"}]')
    assert.equal(entry?.[1]?.toString(), '{"position":1234}')
    const two = readJavaByteArrayMap(JAVA_TWO, 'java-two').map(([k, v]) => [
      k.toString(),
      v?.toString() ?? null,
    ])
    assert.deepEqual(two, [
      ['["c",{"p":2}]', null],
      ['["c",{"p":1}]', '{"o":1}'],
    ])
  })

  test('writes the bytes Java writes', () => {
    const k = Buffer.from('["local-file-source",{"filename":"test.txt"}]')
    assert.deepEqual(writeJavaByteArrayMap([[k, Buffer.from('{"position":1234}')]]), JAVA_ONE)
    // Same entries in Java's iteration order: null values and the class-descriptor back-reference.
    const two = writeJavaByteArrayMap([
      [Buffer.from('["c",{"p":2}]'), null],
      [Buffer.from('["c",{"p":1}]'), Buffer.from('{"o":1}')],
    ])
    assert.deepEqual(two, JAVA_TWO)
  })

  test("round-trips many entries (bucket count grows as Java's does)", () => {
    const entries = Array.from(
      { length: 100 },
      (_, i) => [Buffer.from(`["c",{"p":${i}}]`), Buffer.from(`{"o":${i}}`)] as const,
    )
    const back = readJavaByteArrayMap(writeJavaByteArrayMap(entries), 'x')
    assert.deepEqual(
      back.map(([k, v]) => [k.toString(), v?.toString()]),
      entries.map(([k, v]) => [k.toString(), v.toString()]),
    )
  })

  test('a file that is not a Java-serialized map is refused with the path and what to do', () => {
    assert.throws(
      () => readJavaByteArrayMap(Buffer.from('{"not":"java"}'), '/x/connect.offsets'),
      /\/x\/connect\.offsets is not a Kafka Connect offsets file .*offset\.storage\.file\.filename/,
    )
    assert.throws(
      () => readJavaByteArrayMap(JAVA_ONE.subarray(0, JAVA_ONE.length - 10), 'f'),
      /unexpected end of file/,
    )
  })
})

describe('FileOffsetStore', () => {
  test("loads a Java worker's offsets file and finds partitions whatever their key order", async () => {
    const file = path.join(tmp(), 'connect.offsets')
    writeFileSync(file, JAVA_TWO)
    const store = new FileOffsetStore(file)
    await store.load()
    assert.deepEqual(store.get('c', { p: 1 }), { o: 1 })
    assert.equal(store.get('c', { p: 2 }), null)
    assert.equal(store.get('other', { p: 1 }), null)
  })

  test('set + flush persists atomically; null removes a partition; reload sees the same', async () => {
    const file = path.join(tmp(), 'sub', 'connect.offsets')
    const store = new FileOffsetStore(file)
    await store.load() // a missing file is an empty store
    store.set('src', [
      { partition: { filename: 'a', extra: 1 }, offset: { position: 10 } },
      { partition: { filename: 'b' }, offset: { position: 20 } },
    ])
    await store.flush()
    store.set('src', [{ partition: { extra: 1, filename: 'a' }, offset: { position: 11 } }])
    store.set('src', [{ partition: { filename: 'b' }, offset: null }])
    await store.flush()
    const again = new FileOffsetStore(file)
    await again.load()
    assert.deepEqual(again.getAll('src'), [
      { partition: { filename: 'a', extra: 1 }, offset: { position: 11 } },
    ])
    // The file is a Java-serialized map a Java worker can read back.
    const raw = readJavaByteArrayMap(readFileSync(file), file)
    assert.deepEqual(
      raw.map(([k, v]) => [k.toString(), v?.toString()]),
      [['["src",{"filename":"a","extra":1}]', '{"position":11}']],
    )
  })

  test('a flush with no change does not rewrite the file', async () => {
    const file = path.join(tmp(), 'connect.offsets')
    const store = new FileOffsetStore(file)
    store.set('s', [{ partition: { p: 0 }, offset: { o: 1 } }])
    await store.flush()
    writeFileSync(file, JAVA_ONE) // if flush rewrote, this would be replaced
    await store.flush()
    assert.deepEqual(readFileSync(file), JAVA_ONE)
  })
})
