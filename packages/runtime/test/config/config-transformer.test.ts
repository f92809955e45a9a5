// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${provider:path:key} references
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type ConfigData, ConfigDef, ConfigError, type ConfigProvider } from '@sluice/api'
import { configVariables, reverseTransform, transformConfig } from '../../src/index.js'

/** A provider over a fixed map of path → values that records what it was asked. */
class MapProvider implements ConfigProvider {
  readonly asked: Array<[string, string[]]> = []
  constructor(
    readonly values: Record<string, Record<string, string>>,
    readonly ttl?: number,
  ) {}
  config(): ConfigDef {
    return new ConfigDef()
  }
  configure(): void {}
  async get(path: string, keys?: ReadonlySet<string>): Promise<ConfigData> {
    this.asked.push([path, [...(keys ?? [])].sort()])
    if (path === 'broken') throw new ConfigError('Could not read properties from file broken')
    const all = this.values[path] ?? {}
    const data = Object.fromEntries(Object.entries(all).filter(([k]) => keys === undefined || keys.has(k)))
    return this.ttl === undefined ? { data } : { data, ttl: this.ttl }
  }
}

describe('config variables', () => {
  it("parses ${provider:[path:]key} with Kafka's pattern", () => {
    assert.deepEqual(
      configVariables('a ${file:/x/y.properties:k} b ${env:HOME} ${dir:/run/secrets:db:pw}').map((v) => [
        v.provider,
        v.path,
        v.key,
      ]),
      [
        ['file', '/x/y.properties', 'k'],
        ['env', '', 'HOME'],
        // Lazy groups: the path ends at the first colon after the provider, the key takes the rest.
        ['dir', '/run/secrets', 'db:pw'],
      ],
    )
    assert.deepEqual(configVariables('${nocolon} $ {file:a:b} $file:a:b'), [])
  })
})

describe('transformConfig', () => {
  it('replaces references (several per value, text around them), asking each provider once per path', async () => {
    const file = new MapProvider({ '/s.properties': { user: 'alice', password: 'pw' } })
    const env = new MapProvider({ '': { HOST: 'db.local' } })
    const r = await transformConfig(
      {
        'connection.url': 'jdbc:mysql://${env:HOST}:3306/x',
        'connection.user': '${file:/s.properties:user}',
        'connection.password': '${file:/s.properties:password}',
        both: '${file:/s.properties:user}/${file:/s.properties:password}',
        plain: 'no refs here, only $ and {}',
      },
      new Map<string, ConfigProvider>([
        ['file', file],
        ['env', env],
      ]),
    )
    assert.deepEqual(r.data, {
      'connection.url': 'jdbc:mysql://db.local:3306/x',
      'connection.user': 'alice',
      'connection.password': 'pw',
      both: 'alice/pw',
      plain: 'no refs here, only $ and {}',
    })
    assert.deepEqual(file.asked, [['/s.properties', ['password', 'user']]])
    assert.deepEqual(r.unresolved, [])
  })

  it('leaves unknown providers and missing keys as written, and reports them', async () => {
    const file = new MapProvider({ '/s.properties': { user: 'alice' } })
    const r = await transformConfig(
      {
        a: '${vault:secret/db:pw}',
        b: '${file:/s.properties:nope}-${file:/s.properties:user}',
        c: '${file:/other:user}',
      },
      new Map([['file', file]]),
    )
    assert.deepEqual(r.data, {
      a: '${vault:secret/db:pw}',
      b: '${file:/s.properties:nope}-alice',
      c: '${file:/other:user}',
    })
    assert.deepEqual(
      r.unresolved.map((u) => [u.configKey, u.variable.text, u.reason]),
      [
        ['a', '${vault:secret/db:pw}', "no config provider named 'vault' (config.providers)"],
        [
          'b',
          '${file:/s.properties:nope}',
          "provider 'file' returned no value for key 'nope' at path '/s.properties'",
        ],
        ['c', '${file:/other:user}', "provider 'file' returned no value for key 'user' at path '/other'"],
      ],
    )
  })

  it('does not resolve again inside a resolved value (a value holding ${...} stays literal)', async () => {
    const p = new MapProvider({ '': { A: '${env:B}', B: 'secret' } })
    const r = await transformConfig({ x: '${env:A}', y: '$${env:B}' }, new Map([['env', p]]))
    assert.deepEqual(r.data, { x: '${env:B}', y: '$secret' })
  })

  it('collects TTLs by path and lets provider errors through', async () => {
    const p = new MapProvider({ '/a': { k: 'v' } }, 5000)
    const r = await transformConfig({ x: '${p:/a:k}' }, new Map([['p', p]]))
    assert.deepEqual([...r.ttls], [['/a', 5000]])
    await assert.rejects(
      transformConfig({ x: '${p:broken:k}' }, new Map([['p', p]])),
      /Could not read properties/,
    )
  })
})

describe('reverseTransform', () => {
  it('puts the raw text back for keys whose raw connector value has a reference', () => {
    const raw = { file: '${file:/s:path}', topics: 't', password: 'x${env:PW}' }
    const tasks = reverseTransform(raw, [
      { file: '/tmp/out.txt', topics: 't', 'task.class': 'T' },
      { topics: 't', password: 'xsecret' },
    ])
    assert.deepEqual(tasks, [
      { file: '${file:/s:path}', topics: 't', 'task.class': 'T' },
      { topics: 't', password: 'x${env:PW}' },
    ])
  })
})
