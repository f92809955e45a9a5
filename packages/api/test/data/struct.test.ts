import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Decimal,
  DecimalLogical,
  SchemaBuilder,
  Schemas,
  Struct,
  validateValue,
  valuesEqual,
} from '../../src/data/index.js'

const ADDRESS = SchemaBuilder.struct()
  .name('Address')
  .field('city', Schemas.STRING)
  .field('zip', Schemas.OPTIONAL_STRING)
  .build()
const USER = SchemaBuilder.struct()
  .name('User')
  .field('id', Schemas.INT32)
  .field('email', Schemas.OPTIONAL_STRING)
  .field('score', SchemaBuilder.float64().defaultValue(1.5).build())
  .field(
    'address',
    SchemaBuilder.struct()
      .name('Address')
      .field('city', Schemas.STRING)
      .field('zip', Schemas.OPTIONAL_STRING)
      .optional()
      .build(),
  )
  .build()

test('put/get round-trip and defaults', () => {
  const s = new Struct(USER).put('id', 1).put('email', 'a@b')
  assert.equal(s.get('id'), 1)
  assert.equal(s.get('email'), 'a@b')
  assert.equal(s.get('score'), 1.5, 'default when unset')
  assert.equal(s.getWithoutDefault('score'), null)
  assert.equal(s.get('address'), null)
  const f = USER.field('id')
  assert.ok(f !== undefined)
  assert.equal(s.get(f), 1)
  s.validate()
})

test('put validates with Java-style messages naming the field', () => {
  const s = new Struct(USER)
  assert.throws(() => s.put('id', null), {
    name: 'DataError',
    message: 'Invalid value: null used for required field: "id", schema type: INT32',
  })
  assert.throws(() => s.put('id', 'x'), {
    message: 'Invalid JavaScript value for schema with type INT32: string for field: "id"',
  })
  assert.throws(() => s.put('id', 2 ** 31), {
    message:
      'Invalid JavaScript value for schema with type INT32: number 2147483648 out of range [-2147483648, 2147483647] for field: "id"',
  })
  assert.throws(() => s.put('nope', 1), { message: 'nope is not a valid field name' })
  assert.throws(() => s.get('nope'), { message: 'nope is not a valid field name' })
})

test('validate checks required fields, skipping optional and defaulted ones', () => {
  assert.throws(() => new Struct(USER).validate(), {
    message: 'Invalid value: null used for required field: "id", schema type: INT32',
  })
  new Struct(USER).put('id', 1).validate()
})

test('nested structs: schema must match, nested required fields are validated', () => {
  const addressSchema = USER.field('address')?.schema
  assert.ok(addressSchema !== undefined)
  const addr = new Struct(addressSchema)
  const s = new Struct(USER).put('id', 1)
  // the address struct is missing its required "city"
  assert.throws(() => s.put('address', addr), {
    message: 'Invalid value: null used for required field: "city", schema type: STRING',
  })
  addr.put('city', 'Paris')
  s.put('address', addr)
  // a struct whose schema is required (ADDRESS) does not match the optional field schema
  assert.throws(() => s.put('address', new Struct(ADDRESS).put('city', 'x')), {
    message: 'Struct schemas do not match.',
  })
  assert.throws(() => s.put('address', { city: 'x' }), {
    message: 'Invalid JavaScript value for schema "Address" with type STRUCT: Object for field: "address"',
  })
  s.validate()
})

test('typed getters check the field type and return the value as set', () => {
  const s = new Struct(USER).put('id', 3)
  assert.equal(s.getInt32('id'), 3)
  assert.equal(s.getString('email'), null)
  assert.equal(s.getFloat64('score'), null, 'typed getters do not apply defaults (as in Java)')
  assert.throws(() => s.getString('id'), { message: "Field 'id' is not of type STRING" })
  assert.equal(s.getStruct('address'), null)
})

test('equals compares schema and values deeply; toString like Java', () => {
  const a = new Struct(USER).put('id', 1).put('email', 'x')
  const b = new Struct(USER).put('id', 1).put('email', 'x')
  assert.ok(a.equals(b))
  assert.ok(!a.equals(new Struct(USER).put('id', 2).put('email', 'x')))
  const other = SchemaBuilder.struct().name('User2').field('id', Schemas.INT32).build()
  assert.ok(!new Struct(other).put('id', 1).equals(new Struct(USER).put('id', 1)))
  assert.equal(a.toString(), 'Struct{id=1,email=x}')
})

test('constructor rejects non-struct schemas', () => {
  assert.throws(() => new Struct(Schemas.STRING), { message: 'Not a struct schema: Schema{STRING}' })
})

test('maps with non-string keys, arrays and bytes inside structs', () => {
  const key = SchemaBuilder.struct().name('K').field('k', Schemas.INT32).build()
  const schema = SchemaBuilder.struct()
    .field('byStruct', SchemaBuilder.map(key, Schemas.STRING).build())
    .field('byInt', SchemaBuilder.map(Schemas.INT32, Schemas.OPTIONAL_STRING).build())
    .field('list', SchemaBuilder.array(Schemas.OPTIONAL_INT64).build())
    .field('raw', Schemas.BYTES)
    .field('price', DecimalLogical.builder(2).optional().build())
    .build()
  const k1 = new Struct(key).put('k', 1)
  const s = new Struct(schema)
    .put('byStruct', new Map([[k1, 'one']]))
    .put(
      'byInt',
      new Map<number, string | null>([
        [1, 'a'],
        [2, null],
      ]),
    )
    .put('list', [1, null, 2n ** 62n])
    .put('raw', Buffer.from('hi'))
    .put('price', Decimal.fromString('9.99'))
  s.validate()
  assert.throws(() => s.put('byInt', new Map([['1', 'a']])), {
    message: 'Invalid JavaScript value for schema with type INT32: string for key of map field: "byInt"',
  })
  assert.throws(() => s.put('byInt', { 1: 'a' }), { message: /with type MAP: Object for field: "byInt"/ })
  assert.throws(() => s.put('list', [1, 'x']), {
    message: /with type INT64: string for element of array field: "list"/,
  })
  assert.throws(() => s.put('list', [2n ** 63n]), { message: /out of range/ })
  const copy = new Struct(schema)
    .put('byStruct', new Map([[new Struct(key).put('k', 1), 'one']]))
    .put(
      'byInt',
      new Map<number, string | null>([
        [2, null],
        [1, 'a'],
      ]),
    )
    .put('list', [1n, null, 2n ** 62n])
    .put('raw', new Uint8Array([104, 105]))
    .put('price', new Decimal(999n, 2))
  assert.ok(s.equals(copy))
  assert.ok(valuesEqual(new Map([[k1, 'one']]), new Map([[new Struct(key).put('k', 1), 'one']])))
  assert.ok(!valuesEqual(new Map([[k1, 'one']]), new Map([[new Struct(key).put('k', 2), 'one']])))
})

test('validateValue: ranges, optional nesting, plain objects for string-keyed maps', () => {
  validateValue(Schemas.INT8, -128)
  validateValue(Schemas.INT8, 127)
  assert.throws(() => validateValue(Schemas.INT8, 128), { message: /out of range \[-128, 127\] for value$/ })
  assert.throws(() => validateValue(Schemas.INT16, -32769), /out of range/)
  assert.throws(() => validateValue(Schemas.INT32, 1.5), { message: /1\.5 is not an integer/ })
  validateValue(Schemas.INT64, Number.MAX_SAFE_INTEGER)
  validateValue(Schemas.INT64, -(2n ** 63n))
  assert.throws(() => validateValue(Schemas.INT64, 2n ** 63n), /out of range/)
  validateValue(Schemas.FLOAT32, Number.NaN)
  assert.throws(() => validateValue(Schemas.FLOAT64, 1n), { message: /with type FLOAT64: bigint for value/ })
  assert.throws(() => validateValue(Schemas.BOOLEAN, 'true'), /BOOLEAN: string/)
  assert.throws(() => validateValue(Schemas.BYTES, [1, 2]), /BYTES: Array/)
  validateValue(Schemas.OPTIONAL_STRING, null)
  validateValue(Schemas.OPTIONAL_STRING, undefined)
  assert.throws(() => validateValue(Schemas.STRING, undefined, 'f'), {
    message: 'Invalid value: null used for required field: "f", schema type: STRING',
  })
  const m = SchemaBuilder.map(Schemas.STRING, Schemas.OPTIONAL_INT32).build()
  validateValue(m, { a: 1, b: null })
  assert.throws(() => validateValue(m, { a: 'x' }), { message: /INT32: string for value of map value$/ })
  const nested = SchemaBuilder.array(SchemaBuilder.array(Schemas.INT8).optional().build()).build()
  validateValue(nested, [[1], null, []])
  assert.throws(() => validateValue(nested, [[1, null]]), {
    message:
      'Invalid value: null used for required element of array element of array value, schema type: INT8',
  })
})
