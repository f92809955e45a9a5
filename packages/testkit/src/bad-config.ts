import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ConnectorProps } from '@sluice/api'
import type { ConnectorTaskId } from '@sluice/runtime'
import type { ConformanceEnvironment } from './environment.js'
import type { BadConfigCase, ConformanceContext } from './spec.js'
import { waitFor } from './wait.js'

/** A fixture reduced to what the bad-config tests need. */
export interface ConfigFixture {
  readonly config: ConnectorProps
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Errors per key from `Connector.validate`. */
async function validationErrors(
  env: ConformanceEnvironment,
  props: ConnectorProps,
): Promise<Map<string, string[]>> {
  const connector = await env.connectorInstance()
  const values = await connector.validate(props)
  return new Map(values.filter((v) => v.errorMessages.length > 0).map((v) => [v.name, [...v.errorMessages]]))
}

const show = (errors: Map<string, string[]>) =>
  errors.size === 0 ? 'no errors' : [...errors].map(([k, m]) => `${k}: ${m.join(' | ')}`).join('; ')

/**
 * Registers the "bad config" tests: the fixture's valid config validates cleanly, and each bad config is
 * refused by validation where the spec says so, and fails the connector or its tasks with a trace naming
 * the key when started — on the shared worker, which later tests keep using (so it survived).
 */
export function registerBadConfigTests(
  env: ConformanceEnvironment,
  createFixture: (
    label: string,
  ) => Promise<{ ctx: ConformanceContext & { name: string }; fixture: ConfigFixture }>,
): void {
  const cases = env.spec.badConfigs
  test('bad config: the spec lists bad configs, and the valid config validates without errors', async () => {
    assert.ok(cases.length > 0, 'a conformance spec must list at least one bad config')
    const { ctx, fixture } = await createFixture('valid-config')
    const errors = await validationErrors(env, env.connectorProps(ctx.name, fixture.config))
    assert.equal(
      errors.size,
      0,
      `the fixture's config must be valid; Connector.validate says: ${show(errors)}`,
    )
  })

  for (const c of cases) {
    const mode = c.rejectedBy ?? 'validate'
    test(`bad config: ${c.description} — refused by ${mode === 'validate' ? 'validation' : 'the task at start'}, naming "${c.key}"`, async (t) => {
      const { ctx, fixture } = await createFixture('bad-config')
      const props = env.connectorProps(ctx.name, c.props(fixture.config, ctx))
      const errors = await validationErrors(env, props)
      if (mode === 'validate') {
        const messages = errors.get(c.key)
        assert.ok(
          messages !== undefined,
          `Connector.validate must report an error on "${c.key}"; it says: ${show(errors)}`,
        )
        if (c.fix !== undefined)
          assert.ok(
            messages.some((m) => c.fix!.test(m)),
            `the message on "${c.key}" must say how to fix it (${c.fix}); got: ${messages.join(' | ')}`,
          )
        t.diagnostic(`validate: ${c.key}: ${messages.join(' | ')}`)
      } else {
        // Declared as a gap validation cannot see: keep it honest, so a future check shows up here.
        assert.equal(
          errors.size,
          0,
          `declared as refused only at start, but Connector.validate reports: ${show(errors)}`,
        )
      }
      t.diagnostic(`FAILED: ${await assertStartFails(env, ctx.name, props, c)}`)
    })
  }
}

/**
 * Starts the connector with the bad config as a herder would (connector, then its tasks) and expects a
 * FAILED state whose trace names the key. When the connector itself refuses to start, the task is also
 * started directly with the same config, as a herder restoring stored task configs would: the task must
 * fail just as clearly.
 */
async function assertStartFails(
  env: ConformanceEnvironment,
  name: string,
  props: ConnectorProps,
  c: BadConfigCase,
): Promise<string> {
  const w = await env.sharedWorker()
  const pattern = c.trace ?? new RegExp(escapeRegExp(c.key))
  let connectorError: unknown
  try {
    await w.worker.startConnector(name, props, 'STARTED')
  } catch (err) {
    connectorError = err
  }
  let taskConfigs: ConnectorProps[] = [props]
  if (connectorError === undefined) taskConfigs = await w.worker.connectorTaskConfigs(name)
  else {
    const failed = w.status.latest(name, null)
    assert.equal(
      failed?.state,
      'FAILED',
      `a connector that refuses to start must be FAILED (${w.status.describe(name)})`,
    )
    assert.match(failed.trace ?? '', pattern, `the connector's FAILED trace must name "${c.key}"`)
    assert.ok(connectorError instanceof Error, 'startConnector rejects with an Error')
  }
  const ids: ConnectorTaskId[] = taskConfigs.map((_, task) => ({ connector: name, task }))
  try {
    for (const [i, id] of ids.entries()) {
      try {
        await w.worker.startTask(id, props, taskConfigs[i]!, 'STARTED')
      } catch {
        // A task that cannot even be set up is reported FAILED by the worker; checked below.
      }
    }
    // Each task fails at start, is restarted once (the suite's restart policy) and then stays FAILED.
    await waitFor(
      () => ids.every((id) => w.status.latest(name, id.task)?.state === 'FAILED'),
      `every task of ${name} to be FAILED`,
      env.timeoutMs,
      () => w.status.describe(name),
    )
    for (const id of ids) {
      const trace = w.status.latest(name, id.task)!.trace ?? ''
      assert.match(trace, pattern, `task ${id.task}'s FAILED trace must name "${c.key}"; trace:\n${trace}`)
    }
    return w.status.latest(name, 0)?.trace?.split('\n')[0] ?? ''
  } finally {
    await w.worker.stopTasks(ids)
    await w.worker.stopConnector(name)
  }
}
