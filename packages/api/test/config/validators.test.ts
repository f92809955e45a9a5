import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  invalidConfigValue,
  LambdaValidator,
  ListSize,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidList,
  ValidString,
} from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'

test('Range: bounds, null, and docs string', () => {
  Range.atLeast(1).ensureValid('k', 1)
  assert.throws(() => Range.atLeast(1).ensureValid('k', 0), {
    message: 'Invalid value 0 for configuration k: Value must be at least 1',
  })
  assert.throws(() => Range.between(0, 10).ensureValid('k', 11), {
    message: 'Invalid value 11 for configuration k: Value must be no more than 10',
  })
  assert.throws(() => Range.atLeast(0).ensureValid('k', null), {
    message: 'Invalid value null for configuration k: Value must be non-null',
  })
  Range.between(-1n, 2n ** 40n).ensureValid('k', 2 ** 39)
  assert.equal(Range.atLeast(1).toString(), '[1,...]')
  assert.equal(Range.between(0, 10).toString(), '[0,...,10]')
  const err = (() => {
    try {
      Range.atLeast(5).ensureValid('tasks.max', 1)
    } catch (e) {
      return e
    }
    return undefined
  })()
  assert.ok(err instanceof ConfigError)
  assert.deepEqual(err.errors, {
    'tasks.max': ['Invalid value 1 for configuration tasks.max: Value must be at least 5'],
  })
})

test('ValidString and CaseInsensitiveValidString', () => {
  const v = ValidString.in('none', 'all')
  v.ensureValid('errors.tolerance', 'all')
  assert.throws(() => v.ensureValid('errors.tolerance', 'ALL'), {
    message: 'Invalid value ALL for configuration errors.tolerance: String must be one of: none, all',
  })
  assert.equal(v.toString(), '[none, all]')
  const ci = CaseInsensitiveValidString.in('base64', 'numeric')
  ci.ensureValid('decimal.format', 'NUMERIC')
  ci.ensureValid('decimal.format', 'Base64')
  assert.throws(() => ci.ensureValid('decimal.format', 'hex'), {
    message:
      'Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC',
  })
  assert.throws(() => ci.ensureValid('decimal.format', null), /String must be one of \(case insensitive\)/)
  assert.equal(ci.toString(), '(case insensitive) [BASE64, NUMERIC]')
})

test('ValidList, ListSize', () => {
  const v = ValidList.in('a', 'b')
  v.ensureValid('k', ['a', 'b', 'a'])
  v.ensureValid('k', [])
  assert.throws(() => v.ensureValid('k', ['a', 'c']), {
    message: 'Invalid value c for configuration k: String must be one of: a, b',
  })
  assert.equal(v.toString(), '[a, b]')
  assert.throws(() => ListSize.atMostOfSize(1).ensureValid('k', ['x', 'y']), {
    message: 'Invalid value [x, y] for configuration k: exceeds maximum list size of [1].',
  })
  assert.equal(ListSize.atMostOfSize(3).toString(), 'List containing maximum of 3 elements')
})

test('NonNull, NonEmptyString, NonEmptyStringWithoutControlChars', () => {
  assert.throws(() => new NonNullValidator().ensureValid('k', null), {
    message: 'Invalid value null for configuration k: entry must be non null',
  })
  new NonEmptyString().ensureValid('k', null)
  assert.throws(() => new NonEmptyString().ensureValid('k', ''), {
    message: 'Invalid value  for configuration k: String must be non-empty',
  })
  const name = new NonEmptyStringWithoutControlChars()
  name.ensureValid('name', 'my-connector')
  name.ensureValid('name', null)
  assert.throws(() => name.ensureValid('name', ''), {
    message: 'Invalid value  for configuration name: String may not be empty',
  })
  assert.throws(() => name.ensureValid('name', 'a\tb\n'), {
    message:
      'Invalid value a\tb\n for configuration name: String may not contain control sequences but had the following ASCII chars: 9, 10',
  })
  assert.equal(name.toString(), 'non-empty string without ISO control characters')
  assert.equal(new NonNullValidator().toString(), 'non-null string')
  assert.equal(new NonEmptyString().toString(), 'non-empty string')
})

test('CompositeValidator and LambdaValidator', () => {
  const c = CompositeValidator.of(new NonEmptyString(), ValidString.in('x', 'y'))
  c.ensureValid('k', 'x')
  assert.throws(() => c.ensureValid('k', ''), /String must be non-empty/)
  assert.throws(() => c.ensureValid('k', 'z'), /String must be one of: x, y/)
  assert.equal(c.toString(), 'non-empty string, [x, y]')
  const even = LambdaValidator.with(
    (name, value) => {
      if (typeof value === 'number' && value % 2 !== 0) throw invalidConfigValue(name, value, 'Must be even')
    },
    () => 'even numbers',
  )
  even.ensureValid('k', 2)
  assert.throws(() => even.ensureValid('k', 3), {
    message: 'Invalid value 3 for configuration k: Must be even',
  })
  assert.equal(even.toString(), 'even numbers')
  const plain = LambdaValidator.with(() => {
    throw new Error('boom')
  })
  assert.throws(
    () => plain.ensureValid('k', 1),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.message, 'Invalid value 1 for configuration k: boom')
      return true
    },
  )
})
