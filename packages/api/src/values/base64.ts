import { Buffer } from 'node:buffer'

/** Standard base64 with padding (Java's `Base64.getEncoder()`, Jackson's default variant). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
