import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ConnectSchema,
  DecimalLogical,
  SchemaBuilder,
  SchemaBuilderError,
  Schemas,
  Struct,
  schemaEquals,
  schemaKey,
} from '../../src/data/index.js'
import { DataError } from '../../src/errors.js'

test('Schemas constants are unnamed primitives, required or optional', () => {
  assert.equal(Schemas.INT8.type, 'INT8')
  assert.equal(Schemas.INT8.isOptional, false)
  assert.equal(Schemas.OPTIONAL_BYTES.type, 'BYTES')
  assert.equal(Schemas.OPTIONAL_BYTES.isOptional, true)
  assert.equal(Schemas.STRING.name, undefined)
  assert.equal(Schemas.STRING.defaultValue, undefined)
  assert.equal(Object.keys(Schemas).length, 18)
  assert.ok(Object.isFrozen(Schemas))
})

test('container accessors throw DataError on the wrong type, like ConnectSchema', () => {
  assert.throws(() => Schemas.INT32.keySchema, {
    name: 'DataError',
    message: 'Cannot look up key schema on non-map type',
  })
  assert.throws(() => Schemas.INT32.valueSchema, {
    message: 'Cannot look up value schema on non-array and non-map type',
  })
  assert.throws(() => Schemas.INT32.fields, { message: 'Cannot list fields on non-struct type' })
  assert.throws(() => Schemas.INT32.field('x'), { message: 'Cannot look up fields on non-struct type' })
  const arr = SchemaBuilder.array(Schemas.STRING).build()
  assert.equal(arr.valueSchema, Schemas.STRING)
  assert.throws(() => arr.keySchema, DataError)
  const map = SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build()
  assert.equal(map.keySchema, Schemas.INT32)
  assert.equal(map.valueSchema, Schemas.STRING)
})

test('SchemaBuilder builds structs with ordered, indexed fields', () => {
  const s = SchemaBuilder.struct()
    .name('com.example.User')
    .version(2)
    .doc('a user')
    .field('id', Schemas.INT64)
    .field('email', Schemas.OPTIONAL_STRING)
    .build()
  assert.ok(s instanceof ConnectSchema)
  assert.equal(s.type, 'STRUCT')
  assert.equal(s.name, 'com.example.User')
  assert.equal(s.version, 2)
  assert.equal(s.doc, 'a user')
  assert.deepEqual(
    s.fields.map((f) => [f.name, f.index, f.schema.type]),
    [
      ['id', 0, 'INT64'],
      ['email', 1, 'STRING'],
    ],
  )
  assert.equal(s.field('email')?.index, 1)
  assert.equal(s.field('nope'), undefined)
  assert.equal(String(s), 'Schema{com.example.User:STRUCT}')
  assert.equal(String(Schemas.INT8), 'Schema{INT8}')
  assert.ok(Object.isFrozen(s))
  assert.ok(Object.isFrozen(s.fields))
})

test('SchemaBuilder rejects duplicate and invalid fields, naming them', () => {
  const b = SchemaBuilder.struct().field('id', Schemas.INT32)
  assert.throws(() => b.field('id', Schemas.STRING), {
    name: 'SchemaBuilderError',
    message: 'Cannot create field because of field name duplication id',
  })
  assert.throws(() => b.field('', Schemas.STRING), { message: 'fieldName cannot be null.' })
  assert.throws(() => b.field('x', null as never), { message: 'fieldSchema for field x cannot be null.' })
  assert.throws(() => SchemaBuilder.int32().field('x', Schemas.INT32), {
    message: 'Cannot create fields on type INT32',
  })
  const err = (() => {
    try {
      b.field('id', Schemas.STRING)
    } catch (e) {
      return e
    }
    return undefined
  })()
  assert.ok(err instanceof SchemaBuilderError)
  assert.ok(err instanceof DataError)
  assert.equal(err.code, 'XC_DATA')
})

test('SchemaBuilder attributes can be set once (same value allowed)', () => {
  const b = SchemaBuilder.string().name('a').name('a')
  assert.throws(() => b.name('b'), { message: 'Invalid SchemaBuilder call: name has already been set.' })
  assert.throws(() => SchemaBuilder.int8().optional().required(), {
    message: 'Invalid SchemaBuilder call: optional has already been set.',
  })
  assert.throws(() => SchemaBuilder.int8().version(1).version(2), {
    message: 'Invalid SchemaBuilder call: version has already been set.',
  })
  assert.throws(() => SchemaBuilder.int8().doc('x').doc('y'), {
    message: 'Invalid SchemaBuilder call: doc has already been set.',
  })
  assert.equal(SchemaBuilder.int8().optional().optional().build().isOptional, true)
})

test('SchemaBuilder validates default values', () => {
  assert.equal(SchemaBuilder.int32().defaultValue(5).build().defaultValue, 5)
  assert.throws(() => SchemaBuilder.int8().defaultValue(1000), {
    name: 'SchemaBuilderError',
    message: /^Invalid default value: .*INT8.*1000 out of range/,
  })
  assert.throws(() => SchemaBuilder.string().defaultValue(5), { message: /^Invalid default value: / })
  assert.throws(() => SchemaBuilder.string().defaultValue(null), {
    message: 'Invalid default value: Invalid value: null used for required value, schema type: STRING',
  })
  assert.equal(SchemaBuilder.string().optional().defaultValue(null).build().defaultValue, undefined)
  const inner = SchemaBuilder.struct().field('a', Schemas.INT32).build()
  const def = new Struct(inner).put('a', 1)
  const withDefault = SchemaBuilder.struct().field('a', Schemas.INT32).defaultValue(def).build()
  assert.ok(def.equals(withDefault.defaultValue))
})

test('parameters are copied, frozen and merged', () => {
  const s = SchemaBuilder.bytes().parameter('a', '1').parameters({ b: '2' }).parameters({}).build()
  assert.deepEqual(s.parameters, { a: '1', b: '2' })
  assert.ok(Object.isFrozen(s.parameters))
  assert.equal(SchemaBuilder.bytes().parameters({}).build().parameters, undefined)
})

test('nested builders are built with their parent', () => {
  const s = SchemaBuilder.struct()
    .field('tags', SchemaBuilder.array(SchemaBuilder.string().optional()))
    .field('m', SchemaBuilder.map(SchemaBuilder.int32(), SchemaBuilder.string()))
    .build()
  const tags = s.field('tags')?.schema
  assert.ok(tags instanceof ConnectSchema)
  assert.ok(tags.valueSchema instanceof ConnectSchema)
  assert.equal(tags.valueSchema.isOptional, true)
  assert.equal(s.field('m')?.schema.keySchema.type, 'INT32')
})

test('schemaEquals is deep and structural', () => {
  const mk = () =>
    SchemaBuilder.struct()
      .name('r')
      .field('id', SchemaBuilder.int32().defaultValue(7).build())
      .field(
        'bytes',
        SchemaBuilder.bytes()
          .optional()
          .defaultValue(new Uint8Array([1, 2]))
          .build(),
      )
      .field('m', SchemaBuilder.map(Schemas.STRING, SchemaBuilder.array(Schemas.INT64).build()).build())
      .field('d', DecimalLogical.schema(2))
      .build()
  assert.ok(schemaEquals(mk(), mk()))
  assert.ok(schemaEquals(SchemaBuilder.int32().optional().build(), Schemas.OPTIONAL_INT32))
  assert.ok(!schemaEquals(Schemas.INT32, Schemas.OPTIONAL_INT32))
  assert.ok(!schemaEquals(DecimalLogical.schema(2), DecimalLogical.schema(3)))
  assert.ok(
    !schemaEquals(
      SchemaBuilder.int32().defaultValue(1).build(),
      SchemaBuilder.int32().defaultValue(2).build(),
    ),
  )
  assert.ok(
    !schemaEquals(
      SchemaBuilder.struct().field('a', Schemas.INT32).field('b', Schemas.INT32).build(),
      SchemaBuilder.struct().field('b', Schemas.INT32).field('a', Schemas.INT32).build(),
    ),
  )
  assert.ok(
    !schemaEquals(SchemaBuilder.array(Schemas.INT32).build(), SchemaBuilder.array(Schemas.INT64).build()),
  )
  assert.ok(
    !schemaEquals(
      SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build(),
      SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build(),
    ),
  )
  assert.ok(schemaEquals(null, null))
  assert.ok(!schemaEquals(Schemas.INT8, null))
  assert.ok(
    schemaEquals(
      SchemaBuilder.int64().defaultValue(5).build(),
      SchemaBuilder.int64().defaultValue(5n).build(),
    ),
    'INT64 defaults compare numerically across number and bigint',
  )
})

test('schemaKey is equal exactly for equal schemas, and usable as a cache key', () => {
  const a = SchemaBuilder.struct()
    .name('x')
    .field('id', Schemas.INT32)
    .field('p', DecimalLogical.schema(4))
    .build()
  const b = SchemaBuilder.struct()
    .name('x')
    .field('id', Schemas.INT32)
    .field('p', DecimalLogical.schema(4))
    .build()
  const c = SchemaBuilder.struct()
    .name('x')
    .field('id', Schemas.OPTIONAL_INT32)
    .field('p', DecimalLogical.schema(4))
    .build()
  assert.equal(schemaKey(a), schemaKey(b))
  assert.notEqual(schemaKey(a), schemaKey(c))
  assert.equal(schemaKey(a), schemaKey(a), 'memoized')
  const p1 = SchemaBuilder.string().parameter('a', '1').parameter('b', '2').build()
  const p2 = SchemaBuilder.string().parameter('b', '2').parameter('a', '1').build()
  assert.equal(schemaKey(p1), schemaKey(p2), 'parameter order does not matter')
  assert.ok(schemaEquals(p1, p2))
  const cache = new Map<string, number>([[schemaKey(a), 1]])
  assert.equal(cache.get(schemaKey(b)), 1)
  assert.notEqual(
    schemaKey(
      SchemaBuilder.bytes()
        .defaultValue(new Uint8Array([1]))
        .build(),
    ),
    schemaKey(
      SchemaBuilder.bytes()
        .defaultValue(new Uint8Array([2]))
        .build(),
    ),
  )
})

test('SchemaBuilder.type and every factory produce the right type', () => {
  const pairs: [SchemaBuilder, string][] = [
    [SchemaBuilder.int8(), 'INT8'],
    [SchemaBuilder.int16(), 'INT16'],
    [SchemaBuilder.int32(), 'INT32'],
    [SchemaBuilder.int64(), 'INT64'],
    [SchemaBuilder.float32(), 'FLOAT32'],
    [SchemaBuilder.float64(), 'FLOAT64'],
    [SchemaBuilder.bool(), 'BOOLEAN'],
    [SchemaBuilder.string(), 'STRING'],
    [SchemaBuilder.bytes(), 'BYTES'],
    [SchemaBuilder.struct(), 'STRUCT'],
    [SchemaBuilder.type('INT16'), 'INT16'],
  ]
  for (const [b, t] of pairs) assert.equal(b.build().type, t)
  assert.throws(() => SchemaBuilder.type('NOPE' as never), SchemaBuilderError)
  assert.throws(() => SchemaBuilder.array(undefined as never), { message: 'valueSchema cannot be null.' })
  assert.throws(() => SchemaBuilder.map(undefined as never, Schemas.INT8), {
    message: 'keySchema cannot be null.',
  })
})
