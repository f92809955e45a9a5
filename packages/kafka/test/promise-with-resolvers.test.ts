import assert from 'node:assert/strict'
import { test } from 'node:test'
import '../src/promise-with-resolvers.js'

type WithResolvers = <T>() => { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void }
const withResolvers = (): WithResolvers =>
  (Promise as unknown as { withResolvers: WithResolvers }).withResolvers

// On Node 20 this is the module's function, on Node 22+ the runtime's: @platformatic/kafka needs either.
test('Promise.withResolvers exists and hands out a promise with its resolve and reject', async () => {
  assert.equal(typeof withResolvers(), 'function')
  const ok = withResolvers()<number>()
  ok.resolve(42)
  assert.equal(await ok.promise, 42)
  const bad = withResolvers()<number>()
  const err = new Error('rejected')
  bad.reject(err)
  await assert.rejects(bad.promise, err)
})
