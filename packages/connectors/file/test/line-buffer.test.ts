import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LineBuffer } from '../src/index.js'

/** Feeds `input` in chunks of `chunk` bytes and collects every line with its byte length. */
function split(input: string | Buffer, chunk: number, initialSize = 1 << 16): Array<[string, number]> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input
  const lines = new LineBuffer(initialSize)
  const out: Array<[string, number]> = []
  for (let at = 0; at < bytes.length; at += chunk) {
    lines.push(bytes.subarray(at, at + chunk))
    for (let l = lines.next(); l !== null; l = lines.next()) out.push([l, lines.lastLineBytes])
  }
  return out
}

describe('LineBuffer', () => {
  test('splits on \\n, \\r\\n and a lone \\r, counting terminator bytes', () => {
    assert.deepEqual(split('a\nbb\r\nccc\rd\n', 1 << 10), [
      ['a', 2],
      ['bb', 4],
      ['ccc', 4],
      ['d', 2],
    ])
  })

  test('empty lines of every terminator kind', () => {
    assert.deepEqual(split('\n\r\n\r\n\n', 1 << 10), [
      ['', 1],
      ['', 2],
      ['', 2],
      ['', 1],
    ])
  })

  test('a final line without terminator is never returned', () => {
    const lines = new LineBuffer(64)
    lines.push(Buffer.from('done\nnot yet'))
    assert.equal(lines.next(), 'done')
    assert.equal(lines.next(), null)
    assert.equal(lines.pendingBytes, 7)
    lines.push(Buffer.from(' finished\n'))
    assert.equal(lines.next(), 'not yet finished')
    assert.equal(lines.lastLineBytes, 17)
  })

  test('a trailing \\r waits for the next byte (\\r\\n split across chunks is one terminator)', () => {
    const lines = new LineBuffer(64)
    lines.push(Buffer.from('x\r'))
    assert.equal(lines.next(), null, 'cannot decide yet')
    lines.push(Buffer.from('\ny\r'))
    assert.equal(lines.next(), 'x')
    assert.equal(lines.lastLineBytes, 3)
    assert.equal(lines.next(), null)
    lines.push(Buffer.from('z'))
    assert.equal(lines.next(), 'y', 'a lone \\r ends the line once the next byte is known')
    assert.equal(lines.lastLineBytes, 2)
    assert.equal(lines.next(), null)
  })

  test('every chunk size gives the same lines, also with multi-byte UTF-8 split across chunks', () => {
    const text = 'héllo wörld\r\n€uro 𝄞 clef\rnaïve\n\n日本語テキスト\r\nend\n'
    const expected = split(text, 1 << 10)
    assert.deepEqual(
      expected.map(([l]) => l),
      ['héllo wörld', '€uro 𝄞 clef', 'naïve', '', '日本語テキスト', 'end'],
    )
    for (let chunk = 1; chunk <= 9; chunk++) assert.deepEqual(split(text, chunk), expected, `chunk ${chunk}`)
    // Byte counts add up to the input size: positions are bytes, not characters.
    assert.equal(
      expected.reduce((n, [, b]) => n + b, 0),
      Buffer.byteLength(text),
    )
  })

  test('grows for a line longer than the buffer and compacts instead of growing when it can', () => {
    const lines = new LineBuffer(8)
    const long = 'x'.repeat(100)
    lines.push(Buffer.from(`${long}\nshort\n`))
    assert.equal(lines.next(), long)
    assert.equal(lines.next(), 'short')
    assert.ok(lines.capacity >= 107)
    for (let i = 0; i < 1000; i++) lines.push(Buffer.from('abcdefghij\n'))
    let n = 0
    for (let l = lines.next(); l !== null; l = lines.next()) n++
    assert.equal(n, 1000)
    const grown = lines.capacity
    assert.ok(grown >= 11_000, 'unconsumed input had to fit')
    // Consuming as we go compacts instead of growing: the buffer stays as it is.
    for (let i = 0; i < 10_000; i++) {
      lines.push(Buffer.from('abcdefghij\n'))
      assert.equal(lines.next(), 'abcdefghij')
    }
    assert.equal(lines.capacity, grown)
    assert.equal(lines.pendingBytes, 0)
  })

  test('invalid UTF-8 decodes with replacement characters, like Java', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62, 0x0a])
    assert.deepEqual(split(bytes, 1), [['a\ufffdb', 4]])
  })

  test('writable/commit read straight into the buffer', () => {
    const lines = new LineBuffer(4)
    const src = Buffer.from('one\ntwo\nthree\n')
    let at = 0
    const got: string[] = []
    while (at < src.length) {
      const w = lines.writable()
      const n = src.copy(w.buffer, w.offset, at, at + Math.min(w.length, 3))
      at += n
      lines.commit(n)
      for (let l = lines.next(); l !== null; l = lines.next()) got.push(l)
    }
    assert.deepEqual(got, ['one', 'two', 'three'])
  })
})
