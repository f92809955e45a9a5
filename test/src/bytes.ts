/** Deterministic pseudo-random bytes (xorshift32) so a failure is reproducible. */
export function bytesFor(i: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length)
  let x = (i * 2654435761) >>> 0 || 1
  for (let j = 0; j < length; j++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    b[j] = x & 0xff
  }
  return b
}
