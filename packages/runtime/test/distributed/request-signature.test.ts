import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { newSessionKey, signRequest, verifyRequest } from '../../src/distributed/request-signature.js'

// The session key a Java 4.4 leader wrote to its config topic (fixtures/java-4.4-internal-topics.jsonl),
// and signatures computed by Java's javax.crypto.Mac HmacSHA256 over the same bytes (a 6-line program run
// once with java 17): a task-config body and the empty body of PUT /connectors/{c}/fence.
const KEY = {
  key: 'OsbQJA8vQDZ8Wcf01OpvmKzkqhBMT4aYzXyFehtR8WQ=',
  algorithm: 'HmacSHA256',
  creationTimestamp: 1796297766455,
}
const BODY = Buffer.from('[{"task.class":"x"}]')
const JAVA_BODY_SIG = 'AjimwGhcE7O5+vmlooOsKazvETxBxOtGJtZ9xOx8aqU='
const JAVA_EMPTY_SIG = 'Xj7p5OSxo0s+w7g9+dcX+9A3DONdZnlVJWYAlARrXxA='

const headers = (sig: string | undefined, alg: string | undefined = 'HmacSHA256') => ({
  ...(sig !== undefined && { 'x-connect-authorization': sig }),
  ...(alg !== undefined && { 'x-connect-request-signature-algorithm': alg }),
})

describe('KIP-507 request signatures', () => {
  test('Sluice signs exactly as Java does', () => {
    assert.equal(signRequest(KEY, BODY), JAVA_BODY_SIG)
    assert.equal(signRequest(KEY, Buffer.alloc(0)), JAVA_EMPTY_SIG)
  })

  test('verification answers as Java: 400 missing, 400 algorithm, 503 no key, 403 wrong', () => {
    verifyRequest(KEY, BODY, headers(JAVA_BODY_SIG))
    const status = (fn: () => void) => {
      try {
        fn()
      } catch (err) {
        return [(err as { httpStatus: number }).httpStatus, (err as Error).message] as const
      }
      return undefined
    }
    assert.deepEqual(
      status(() => verifyRequest(KEY, BODY, headers(undefined))),
      [400, 'Internal request missing required signature'],
    )
    assert.equal(status(() => verifyRequest(KEY, BODY, headers(JAVA_BODY_SIG, 'HmacMD5')))?.[0], 400)
    assert.equal(status(() => verifyRequest(null, BODY, headers(JAVA_BODY_SIG)))?.[0], 503)
    assert.deepEqual(
      status(() => verifyRequest(KEY, Buffer.from('[]'), headers(JAVA_BODY_SIG))),
      [403, 'Internal request contained invalid signature.'],
    )
  })

  test('a new session key is 256 random bits, base64, stamped with the clock', () => {
    const k = newSessionKey(42)
    assert.equal(Buffer.from(k.key, 'base64').length, 32)
    assert.equal(k.creationTimestamp, 42)
    assert.notEqual(newSessionKey(42).key, k.key)
  })
})
