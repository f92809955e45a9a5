import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Decimal, Headers, SchemaBuilder, Schemas, Struct, valuesEqual } from '@sluice/api'
import { canonical } from '../src/canonical.js'
import { OFFSET_HEADER, offsetHeaderValue, SourceOffsetHeader } from '../src/offset-header-plugin.js'

// Records are matched by canonical string; it must agree with valuesEqual (ADR 0002) both ways.

describe('canonical', () => {
  const schema = SchemaBuilder.struct()
    .field('id', Schemas.INT64)
    .field('name', Schemas.OPTIONAL_STRING)
    .build()
  const struct = (id: number | bigint, name: string | null) =>
    new Struct(schema).put('id', id).put('name', name)

  const equalPairs: Array<[string, unknown, unknown]> = [
    ['number and bigint (INT64 may be either)', 5, 5n],
    ['structs with number/bigint ids', struct(1, 'a'), struct(1n, 'a')],
    [
      'maps regardless of insertion order',
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
      new Map([
        ['b', 2],
        ['a', 1],
      ]),
    ],
    ['objects regardless of key order', { filename: 'f', position: 3 }, { position: 3, filename: 'f' }],
    ['bytes by content', Uint8Array.of(1, 2), Buffer.from([1, 2])],
    ['dates by time', new Date(5), new Date(5)],
    ['null and undefined', null, undefined],
  ]
  for (const [what, a, b] of equalPairs) {
    test(`equal: ${what}`, () => {
      assert.ok(valuesEqual(a, b), 'sanity: valuesEqual agrees')
      assert.equal(canonical(a), canonical(b))
    })
  }

  const differentPairs: Array<[string, unknown, unknown]> = [
    ['string vs number', '1', 1],
    ['struct field values', struct(1, 'a'), struct(1, 'b')],
    ['decimal scale (BigDecimal.equals)', new Decimal(10n, 1), new Decimal(100n, 2)],
    ['array order', [1, 2], [2, 1]],
    ['null vs the string "null"', null, 'null'],
    ['empty string vs null', '', null],
  ]
  for (const [what, a, b] of differentPairs) {
    test(`different: ${what}`, () => assert.notEqual(canonical(a), canonical(b)))
  }
})

describe('SourceOffsetHeader transform', () => {
  const base = {
    topic: 't',
    kafkaPartition: null,
    keySchema: null,
    key: null,
    valueSchema: Schemas.STRING,
    value: 'v',
    timestamp: null,
  }

  test('adds the source partition and offset as a header, without touching the input record', () => {
    const headers = new Headers()
    const record = { ...base, headers, sourcePartition: { filename: 'f' }, sourceOffset: { position: 7 } }
    const out = new SourceOffsetHeader().apply(record)
    assert.equal(headers.size, 0, 'the input headers are untouched')
    assert.equal(
      out.headers.lastWithName(OFFSET_HEADER)?.value,
      offsetHeaderValue({ filename: 'f' }, { position: 7 }),
    )
    assert.equal(out.value, 'v')
  })

  test('leaves records without a source offset alone', () => {
    const record = { ...base, headers: new Headers(), sourcePartition: null, sourceOffset: null }
    assert.equal(new SourceOffsetHeader().apply(record), record)
  })
})
