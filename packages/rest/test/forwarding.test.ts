import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ConflictError, NotLeaderError, type PutConnectorResult } from '@sluice/runtime'
import { createRestServer, type RestServer } from '../src/index.js'
import { FakeHerder } from './fake-herder.js'

/** A follower's herder: every leader-only write names the leader (or none). */
class FollowerHerder extends FakeHerder {
  constructor(private readonly leaderUrl: () => string | null) {
    super()
  }
  override async putConnectorConfig(): Promise<PutConnectorResult> {
    throw new NotLeaderError('Only the leader can set connector configs.', this.leaderUrl())
  }
  override async deleteConnector(): Promise<void> {
    throw new ConflictError(
      'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
    )
  }
}

describe("REST forwarding in a cluster (Kafka's ?forward= rule)", () => {
  let leader: RestServer
  let follower: RestServer
  before(async () => {
    leader = await createRestServer({
      herder: new FakeHerder(),
      workerProps: { listeners: 'http://127.0.0.1:0' },
    })
    await leader.start()
    follower = await createRestServer({
      herder: new FollowerHerder(() => leader.url),
      workerProps: { listeners: 'http://127.0.0.1:0' },
    })
    await follower.start()
  })
  after(async () => {
    await follower.stop()
    await leader.stop()
  })

  it('a follower forwards a create to the leader with forward=true and answers what the leader answered', async () => {
    const r = await fetch(`${follower.url}connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'c1', config: { 'connector.class': 'X', k: 'v' } }),
    })
    assert.equal(r.status, 201)
    const body = (await r.json()) as { name: string; config: Record<string, string> }
    assert.equal(body.name, 'c1')
    assert.equal(body.config.k, 'v')
    // The Location names the worker the client asked.
    assert.equal(r.headers.get('location'), `${follower.url}connectors/c1`)
    // The leader has it.
    const info = await fetch(`${leader.url}connectors/c1`)
    assert.equal(info.status, 200)
  })

  it('a request that was already forwarded once goes on with forward=false; forward=false is a 409', async () => {
    const again = await fetch(`${follower.url}connectors?forward=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'c2', config: { 'connector.class': 'X' } }),
    })
    assert.equal(again.status, 201)
    const last = await fetch(`${follower.url}connectors?forward=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'c3', config: { 'connector.class': 'X' } }),
    })
    assert.equal(last.status, 409)
    assert.deepEqual(await last.json(), {
      error_code: 409,
      message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
    })
  })

  it('a rebalance in progress is a 409 with Kafka’s message; the leader’s errors pass through', async () => {
    const del = await fetch(`${follower.url}connectors/c1`, { method: 'DELETE' })
    assert.equal(del.status, 409)
    const dup = await fetch(`${follower.url}connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'c1', config: { 'connector.class': 'X' } }),
    })
    assert.equal(dup.status, 409)
    assert.match(((await dup.json()) as { message: string }).message, /already exists/)
  })
})
