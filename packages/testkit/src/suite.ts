import { after, before, describe } from 'node:test'
import { type ConfigFixture, registerBadConfigTests } from './bad-config.js'
import type { ConformanceEnvironment } from './environment.js'
import type { ConformanceContext } from './spec.js'

/** The node:test options of one conformance test: five times the spec's wait timeout. */
export interface PerTestOptions {
  readonly timeout: number
}

/**
 * The frame of both suites: a `describe` named after the connector, whose environment opens before its
 * tests and closes after them, with the bad-config tests first (fixtures from `createFixture`) and then
 * the tests `register` adds.
 */
export function describeConformance(
  kind: 'source' | 'sink',
  env: ConformanceEnvironment,
  createFixture: (
    label: string,
  ) => Promise<{ ctx: ConformanceContext & { name: string }; fixture: ConfigFixture }>,
  register: (perTest: PerTestOptions) => void,
): void {
  describe(`${kind} connector conformance: ${env.spec.name}`, () => {
    before(() => env.open())
    after(() => env.close())
    registerBadConfigTests(env, createFixture)
    register({ timeout: 5 * (env.spec.timeoutMs ?? 30_000) })
  })
}
