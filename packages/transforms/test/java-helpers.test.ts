import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SingleFieldPath } from '../src/util/field-path.js'
import { parseJavaDouble, parseJavaLong } from '../src/util/java-numbers.js'
import { compileJavaRegex, expandJavaReplacement } from '../src/util/java-regex.js'
import { SimpleDateFormat } from '../src/util/simple-date-format.js'

describe('SimpleDateFormat (UTC)', () => {
  const d = new Date(Date.UTC(2024, 0, 5, 13, 4, 9, 7))
  test('formats the pattern letters Kafka users write', () => {
    assert.equal(new SimpleDateFormat('yyyyMMdd').format(d), '20240105')
    assert.equal(new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS").format(d), '2024-01-05T13:04:09.007')
    assert.equal(new SimpleDateFormat('EEE, d MMM yy h:mm a').format(d), 'Fri, 5 Jan 24 1:04 PM')
    assert.equal(new SimpleDateFormat("'quoted ''x''' D").format(d), "quoted 'x' 5")
  })
  test('parses numeric and named fields; rejects what does not fit', () => {
    assert.equal(
      new SimpleDateFormat('yyyy-MM-dd HH:mm:ss').parse('2024-01-05 13:04:09').getTime(),
      Date.UTC(2024, 0, 5, 13, 4, 9),
    )
    assert.equal(new SimpleDateFormat('yyyyMMdd').parse('20240105').getTime(), Date.UTC(2024, 0, 5))
    assert.throws(
      () => new SimpleDateFormat('yyyy-MM-dd').parse('05/01/2024'),
      /Unparseable date: "05\/01\/2024"/,
    )
    assert.throws(() => new SimpleDateFormat('yyyy-bb'), /Illegal pattern character 'b'/)
  })
})

describe('Java regex and replacement', () => {
  test('matches() needs the whole input', () => {
    assert.equal(compileJavaRegex('ord').test('orders'), false)
    assert.equal(compileJavaRegex('ord.*').test('orders'), true)
  })
  test('replacement groups, named groups and escapes', () => {
    const m = compileJavaRegex('(?<a>o)(r)(.*)').exec('orders')!
    assert.equal(expandJavaReplacement('$3-$1-${a}-\\$2', m), 'ders-o-o-$2')
    assert.throws(() => expandJavaReplacement('$9', m), /No group 9/)
  })
})

describe('field.syntax.version V2 paths', () => {
  test('dots, backticks and escaped backticks', () => {
    assert.deepEqual(new SingleFieldPath('a.b.c', 'V2').steps, ['a', 'b', 'c'])
    assert.deepEqual(new SingleFieldPath('`a.b`.c', 'V2').steps, ['a.b', 'c'])
    assert.deepEqual(new SingleFieldPath('a.', 'V2').steps, ['a', ''])
    assert.deepEqual(new SingleFieldPath('a.b', 'V1').steps, ['a.b'])
    assert.throws(() => new SingleFieldPath('`a.b', 'V2'), /Incomplete backtick pair in path: \[`a.b\]/)
  })
})

describe('Java number parsing', () => {
  test('parseLong is strict, parseDouble trims and takes suffixes', () => {
    assert.equal(parseJavaLong('127', 8), 127n)
    assert.equal(parseJavaLong('128', 8), undefined)
    assert.equal(parseJavaLong(' 1', 32), undefined)
    assert.equal(parseJavaDouble(' 1.5f '), 1.5)
    assert.equal(parseJavaDouble('0x1p3'), 8)
    assert.equal(parseJavaDouble(''), undefined)
  })
})
