import { DataError } from '../errors.js'
import { Decimal } from './decimal.js'
import { DECIMAL_LOGICAL_NAME } from './logical-names.js'
import type { Schema } from './schema.js'
import { SchemaBuilder } from './schema-builder.js'

/**
 * The Decimal logical type (Kafka Connect's `org.apache.kafka.connect.data.Decimal`): a `BYTES` schema named
 * {@link DecimalLogical.LOGICAL_NAME}, version 1, with parameter `scale`. The encoded value is the unscaled
 * value as big-endian two's-complement bytes of minimal length (Java's `BigInteger.toByteArray`); the
 * logical value is a {@link Decimal}.
 *
 * @example
 * ```ts
 * const schema = DecimalLogical.schema(2)
 * const bytes = DecimalLogical.fromLogical(schema, Decimal.fromString('-1.28')) // Uint8Array [0xff, 0x80]
 * DecimalLogical.toLogical(schema, bytes).toString() // '-1.28'
 * ```
 */
export const DecimalLogical = Object.freeze({
  /** `org.apache.kafka.connect.data.Decimal` */
  LOGICAL_NAME: DECIMAL_LOGICAL_NAME,
  /** Name of the schema parameter holding the scale: `scale`. */
  SCALE_FIELD: 'scale',

  /** A builder for a Decimal schema with the given scale (add `.optional()` etc. before `build()`). */
  builder(scale: number): SchemaBuilder {
    return SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).parameter('scale', String(scale)).version(1)
  },

  /** A required Decimal schema with the given scale. */
  schema(scale: number): Schema {
    return DecimalLogical.builder(scale).build()
  },

  /**
   * The scale recorded in a Decimal schema.
   * @throws {@link DataError} when the parameter is missing or not an integer
   */
  scale(schema: Schema): number {
    const text = schema.parameters?.scale
    if (text === undefined) throw new DataError('Invalid Decimal schema: scale parameter not found.')
    if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
      throw new DataError(`Invalid scale parameter found in Decimal schema: ${text}`)
    }
    return Number(text)
  },

  /**
   * Encodes a decimal as the unscaled value's minimal big-endian two's-complement bytes.
   * @throws {@link DataError} when the value's scale differs from the schema's
   */
  fromLogical(schema: Schema, value: Decimal): Uint8Array {
    const schemaScale = DecimalLogical.scale(schema)
    if (value.scale !== schemaScale) {
      throw new DataError(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${schemaScale}, value has scale ${value.scale}.`,
      )
    }
    return bigintToTwosComplement(value.unscaled)
  },

  /**
   * Decodes big-endian two's-complement bytes into a {@link Decimal} with the schema's scale.
   * @throws {@link DataError} for empty input or a bad scale parameter
   */
  toLogical(schema: Schema, value: Uint8Array): Decimal {
    return new Decimal(twosComplementToBigint(value), DecimalLogical.scale(schema))
  },
})

/** Minimal big-endian two's-complement encoding of `n` (Java's `BigInteger.toByteArray`). */
export function bigintToTwosComplement(n: bigint): Uint8Array {
  // Number of bytes: enough bits for the magnitude plus a sign bit.
  let bits = 1
  const magnitude = n < 0n ? -n - 1n : n
  for (let m = magnitude; m > 0n; m >>= 1n) bits++
  const length = Math.ceil(bits / 8)
  const out = new Uint8Array(length)
  let v = BigInt.asUintN(length * 8, n)
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/**
 * Reads big-endian two's-complement bytes as a bigint (Java's `new BigInteger(byte[])`).
 * @throws {@link DataError} for zero-length input
 */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataError('Invalid Decimal bytes: Zero length BigInteger')
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return BigInt.asIntN(bytes.length * 8, v)
}
