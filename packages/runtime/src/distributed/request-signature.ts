import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SessionKey } from '../storage/config-records.js'
import { HttpStatusError } from './request-target.js'

/**
 * KIP-507 internal request signatures: `X-Connect-Authorization` = base64(HMAC-SHA256(session key bytes,
 * raw body)), with `X-Connect-Request-Signature-Algorithm: HmacSHA256`. The session key is the config
 * topic's `session-key` record (its `key` is base64 of the raw key bytes).
 */

export const SIGNATURE_HEADER = 'X-Connect-Authorization'
export const SIGNATURE_ALGORITHM_HEADER = 'X-Connect-Request-Signature-Algorithm'
export const HMAC_SHA256 = 'HmacSHA256'

export function signRequest(key: SessionKey, body: Buffer): string {
  return createHmac('sha256', Buffer.from(key.key, 'base64')).update(body).digest('base64')
}

/** A fresh 256-bit HmacSHA256 key, as Java's `KeyGenerator.getInstance("HmacSHA256")` makes by default. */
export function newSessionKey(now: number, keySizeBits?: number | null): SessionKey {
  return {
    key: randomBytes((keySizeBits ?? 256) / 8).toString('base64'),
    algorithm: HMAC_SHA256,
    creationTimestamp: now,
  }
}

/** Checks an internal request; throws the status and message Java answers with. */
export function verifyRequest(
  key: SessionKey | null,
  body: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): void {
  const header = (name: string) => {
    const v = headers[name.toLowerCase()]
    return Array.isArray(v) ? v[0] : v
  }
  const signature = header(SIGNATURE_HEADER)
  const algorithm = header(SIGNATURE_ALGORITHM_HEADER)
  if (signature === undefined || algorithm === undefined)
    throw new HttpStatusError(400, 'Internal request missing required signature')
  if (algorithm !== HMAC_SHA256)
    throw new HttpStatusError(
      400,
      `This worker does not support the signature algorithm ${algorithm}; it uses ${HMAC_SHA256}`,
    )
  if (key === null)
    throw new HttpStatusError(
      503,
      'This worker is still starting up and has not been able to read a session key from the config topic yet',
    )
  const expected = Buffer.from(signRequest(key, body), 'base64')
  const given = Buffer.from(signature, 'base64')
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new HttpStatusError(403, 'Internal request contained invalid signature.')
}
