import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decimalToInteger, decimalTruncate } from '@sluice/api'
import {
  bigDecimalToString,
  decimalTextToFloat,
  javaDoubleToString,
  javaFloatToString,
} from '../src/index.js'

// Expected strings are what JDK 19+ prints (verified against JDK 25 over millions of random values while
// developing; java-compat.test.ts checks the corpus against a live JVM).
describe('javaDoubleToString', () => {
  test('Double.toString layout and shortest digits', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'],
      [-0, '-0.0'],
      [0, '0.0'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [100, '100.0'],
      [1e-3, '0.001'],
      [9.999999999999998e-4, '9.999999999999998E-4'],
      [1e7, '1.0E7'],
      [9999999.999999998, '9999999.999999998'],
      [1e10, '1.0E10'],
      [1e21, '1.0E21'],
      [1e23, '1.0E23'],
      [1.7976931348623157e308, '1.7976931348623157E308'],
      [5e-324, '4.9E-324'],
      [1e-5, '1.0E-5'],
      [-1.23456e-100, '-1.23456E-100'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ]
    for (const [v, s] of cases) assert.equal(javaDoubleToString(v), s, String(v))
  })
})

describe('javaFloatToString', () => {
  test('Float.toString of the float nearest to the value', () => {
    const cases: Array<[number, string]> = [
      [0.1, '0.1'],
      [1, '1.0'],
      [1.4e-45, '1.4E-45'],
      [3.4028235e38, '3.4028235E38'],
      [1.17549435e-38, '1.1754944E-38'],
      [16777217, '1.6777216E7'],
      [123456.79, '123456.79'],
      [3816239.25, '3816239.2'],
      [8.589973e9, '8.589974E9'],
      [-0, '-0.0'],
      [Number.NaN, 'NaN'],
    ]
    for (const [v, s] of cases) assert.equal(javaFloatToString(v), s, String(v))
  })
})

describe('bigDecimalToString', () => {
  test('plain or scientific like BigDecimal.toString', () => {
    const cases: Array<[bigint, number, string]> = [
      [0n, 0, '0'],
      [-128n, 2, '-1.28'],
      [1n, 6, '0.000001'],
      [1n, 7, '1E-7'],
      [-15n, 8, '-1.5E-7'],
      [1n, -2, '1E+2'],
      [123n, -2, '1.23E+4'],
      [0n, 3, '0.000'],
      [0n, -2, '0E+2'],
      [12345678901234567890123456789n, 0, '12345678901234567890123456789'],
    ]
    for (const [u, s, out] of cases) assert.equal(bigDecimalToString(u, s), out, `${u} scale ${s}`)
  })
})

describe('decimalTextToFloat', () => {
  test('rounds once, exactly (no double rounding through a double)', () => {
    // Exactly half-way between the floats 1 and 1+2^-23 when read as a double, but just above it.
    const text = '1.00000005960464477539062500000000000001'
    assert.equal(Math.fround(Number(text)), 1)
    assert.equal(decimalTextToFloat(text), 1.0000001192092896)
    assert.equal(decimalTextToFloat('1.000000059604644775390625'), 1)
    assert.equal(decimalTextToFloat('9007199254740993'), 9007199254740992)
    // Around the overflow threshold (Float.MAX_VALUE + half an ulp), as Java's Float.parseFloat rounds.
    assert.equal(decimalTextToFloat('3.4028235677973366e38'), 3.4028234663852886e38)
    assert.equal(decimalTextToFloat('3.40282356779733661637539395458142568448e38'), Number.POSITIVE_INFINITY)
    assert.equal(decimalTextToFloat('3.4028235677973367e38'), Number.POSITIVE_INFINITY)
    assert.equal(decimalTextToFloat('-0.1'), Math.fround(-0.1))
  })
})

describe('decimalToInteger / decimalTruncate', () => {
  test('integral values, fractions and overflow without huge powers of ten', () => {
    assert.equal(decimalToInteger(15n, 1), 'fraction')
    assert.equal(decimalToInteger(150n, 1), 15n)
    assert.equal(decimalToInteger(1n, -2), 100n)
    assert.equal(decimalToInteger(1n, -999999999), 'overflow')
    assert.equal(decimalToInteger(1n, 999999999), 'fraction')
    assert.equal(decimalToInteger(0n, -999999999), 0n)
    assert.equal(decimalTruncate(-19n, 1), -1n)
    assert.equal(decimalTruncate(7n, 999999999), 0n)
    assert.equal(BigInt.asIntN(64, decimalTruncate(1n, -999999999)), 0n)
  })
})
