// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${provider:path:key} references
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError } from '@sluice/api'
import {
  createConfigProviders,
  isUsedConfigProviderKey,
  loadPluginRegistry,
  ManualClock,
  type PluginRegistry,
  WorkerConfigTransformer,
} from '../../src/index.js'

let registry: PluginRegistry | undefined
const plugins = async (): Promise<PluginRegistry> => {
  registry ??= await loadPluginRegistry()
  return registry
}

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`INFO ${m}`),
    warn: (m: string) => lines.push(`WARN ${m}`),
    error: (m: string) => lines.push(`ERROR ${m}`),
  }
}

function expectKey(fn: () => unknown, key: string, text: RegExp): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof ConfigError, String(e))
    assert.deepEqual(Object.keys(e.errors), [key])
    assert.match(e.message, text)
    return true
  })
}

describe('config.providers worker keys', () => {
  it('creates one provider per listed name from class names or aliases, with its params', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-wct-'))
    const providers = createConfigProviders(
      {
        'config.providers': 'file, dir,env',
        'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
        'config.providers.file.param.allowed.paths': dir,
        'config.providers.dir.class': 'DirectoryConfigProvider',
        'config.providers.env.class': 'EnvVar',
        'config.providers.env.param.allowlist.pattern': 'SLUICE_.*',
      },
      await plugins(),
    )
    assert.deepEqual([...providers.keys()], ['file', 'dir', 'env'])
  })

  it('names the key and the fix: missing class, unknown class, wrong kind, unknown param, bad param', async () => {
    const reg = await plugins()
    expectKey(
      () => createConfigProviders({ 'config.providers': 'vault' }, reg),
      'config.providers.vault.class',
      /Missing required configuration "config.providers.vault.class".*remove 'vault' from config.providers/,
    )
    expectKey(
      () =>
        createConfigProviders({ 'config.providers': 'v', 'config.providers.v.class': 'com.x.Vault' }, reg),
      'config.providers.v.class',
      /Invalid value com.x.Vault for configuration config.providers.v.class: Could not load config provider class or one of its dependencies\. Use one of .*FileConfigProvider.*plugin.path/,
    )
    expectKey(
      () =>
        createConfigProviders({ 'config.providers': 'j', 'config.providers.j.class': 'JsonConverter' }, reg),
      'config.providers.j.class',
      /Class org.apache.kafka.connect.json.JsonConverter does not implement the ConfigProvider interface/,
    )
    expectKey(
      () =>
        createConfigProviders(
          {
            'config.providers': 'file',
            'config.providers.file.class': 'File',
            'config.providers.file.param.allowed.path': '/tmp',
          },
          reg,
        ),
      'config.providers.file.param.allowed.path',
      /FileConfigProvider has no parameter 'allowed.path'; it accepts allowed.paths/,
    )
    expectKey(
      () =>
        createConfigProviders(
          {
            'config.providers': 'file',
            'config.providers.file.class': 'File',
            'config.providers.file.param.allowed.paths': 'rel',
          },
          reg,
        ),
      'config.providers.file.param.allowed.paths',
      /Path rel is not absolute/,
    )
  })

  it("counts only the listed providers' keys as used", () => {
    const props = {
      'config.providers': 'file',
      'config.providers.file.class': 'File',
      'config.providers.old.class': 'File',
    }
    assert.equal(isUsedConfigProviderKey(props, 'config.providers.file.class'), true)
    assert.equal(isUsedConfigProviderKey(props, 'config.providers.file.param.allowed.paths'), true)
    assert.equal(isUsedConfigProviderKey(props, 'config.providers.old.class'), false)
  })
})

describe('a third-party provider from plugin.path', () => {
  it('is found by class name or alias and resolves like a built-in', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-provider-plugin-'))
    const pkg = path.join(dir, 'vault-provider')
    mkdirSync(pkg)
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'vault-provider', type: 'module', main: 'index.js', sluice: { plugins: true } }),
    )
    // A plain ESM plugin package, as a third party would publish it (no build step).
    writeFileSync(
      path.join(pkg, 'index.js'),
      `class VaultConfigProvider {
        config() { return { names: () => ['prefix'] } }
        configure(params) { this.prefix = params.prefix ?? '' }
        async get(p, keys) {
          const data = {}
          for (const k of keys ?? []) data[k] = this.prefix + p + '/' + k
          return { data }
        }
      }
      export const plugins = [{ kind: 'config_provider', className: 'com.example.VaultConfigProvider', version: '1.2.3', create: () => new VaultConfigProvider() }]
      `,
    )
    const reg = await loadPluginRegistry([dir])
    for (const cls of ['com.example.VaultConfigProvider', 'VaultConfigProvider', 'Vault']) {
      const t = WorkerConfigTransformer.create(
        {
          'config.providers': 'vault',
          'config.providers.vault.class': cls,
          'config.providers.vault.param.prefix': 's:',
        },
        reg,
      )
      assert.deepEqual(await t.transform('c', { pw: '${vault:secret/db:password}' }), {
        pw: 's:secret/db/password',
      })
    }
  })
})

describe('WorkerConfigTransformer', () => {
  it('resolves worker props and connector configs, warning once per unresolved reference without values', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-wct-'))
    const secrets = path.join(dir, 'secrets.properties')
    writeFileSync(secrets, 'sasl=TOPSECRET\nfile=/tmp/out.txt\n')
    const log = logger()
    const t = WorkerConfigTransformer.create(
      { 'config.providers': 'file', 'config.providers.file.class': 'FileConfigProvider' },
      await plugins(),
      { logger: log },
    )
    const worker = await t.resolveWorkerProps({
      'producer.sasl.jaas.config': `\${file:${secrets}:sasl}`,
      other: 'x',
    })
    assert.deepEqual(worker, { 'producer.sasl.jaas.config': 'TOPSECRET', other: 'x' })
    const config = { file: `\${file:${secrets}:file}`, pw: `\${file:${secrets}:missing}` }
    assert.deepEqual(await t.transform('c', config), {
      file: '/tmp/out.txt',
      pw: `\${file:${secrets}:missing}`,
    })
    await t.transform('c', config)
    assert.deepEqual(log.lines, [
      `WARN connector c: pw=\${file:${secrets}:missing} was not resolved (provider 'file' returned no value for key 'missing' at path '${secrets}'); the value stays as written`,
    ])
    assert.ok(!log.lines.join('\n').includes('TOPSECRET'))
    await t.close()
  })

  it('a provider error names where, not the value', async () => {
    const t = WorkerConfigTransformer.create(
      { 'config.providers': 'env', 'config.providers.env.class': 'EnvVarConfigProvider' },
      await plugins(),
    )
    await assert.rejects(
      t.transform('c', { a: '${env:/etc:HOME}' }),
      /Cannot resolve the config providers' references of connector c: Path is not supported for EnvVarConfigProvider, invalid value '\/etc'/,
    )
  })

  it('restarts a connector after a TTL unless config.action.reload=none; a newer TTL replaces the old', async () => {
    const clock = new ManualClock()
    const log = logger()
    const ttlProvider = {
      config: () =>
        new (class {
          names() {
            return []
          }
        })(),
      configure() {},
      get: () => ({ data: { k: 'v' }, ttl: 1000 }),
    }
    const t = new WorkerConfigTransformer(new Map([['vault', ttlProvider as never]]), { clock, logger: log })
    const reloads: string[] = []
    t.onReload = async (c) => {
      reloads.push(c)
    }
    await t.transform('a', { x: '${vault:p:k}' })
    clock.advance(600)
    await t.transform('a', { x: '${vault:p:k}' })
    await t.transform('b', { x: '${vault:p:k}', 'config.action.reload': 'none' })
    clock.advance(600)
    assert.deepEqual(reloads, [])
    clock.advance(400)
    assert.deepEqual(reloads, ['a'])
    assert.equal(clock.pending, 0)
    assert.deepEqual(log.lines, [
      'INFO Scheduling a restart of connector a in 1000 ms',
      'INFO Scheduling a restart of connector a in 1000 ms',
    ])
    await t.close()
  })
})
