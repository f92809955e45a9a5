import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError } from '@sluice/api'
import {
  DirectoryConfigProvider,
  EnvVarConfigProvider,
  FileConfigProvider,
  loadPluginRegistry,
  type ProviderLog,
} from '../../src/index.js'

function recorder(): { log: ProviderLog; lines: string[] } {
  const lines: string[] = []
  return { lines, log: (level, message) => lines.push(`${level} ${message}`) }
}

function secrets(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-providers-'))
  mkdirSync(path.join(dir, 'allowed'))
  mkdirSync(path.join(dir, 'allowedx'))
  writeFileSync(
    path.join(dir, 'allowed', 'db.properties'),
    'user=alice\npassword = s3cr3t\\u0021\n# comment\nurl:jdbc\\:mysql://h/db\n',
  )
  writeFileSync(path.join(dir, 'allowedx', 'other.properties'), 'user=mallory\n')
  return dir
}

describe('FileConfigProvider', () => {
  it('reads the requested keys of a Java properties file (escapes, separators), or all of them', () => {
    const dir = secrets()
    const p = new FileConfigProvider()
    p.configure({})
    const file = path.join(dir, 'allowed', 'db.properties')
    assert.deepEqual(p.get(file, new Set(['password', 'url', 'nope'])).data, {
      password: 's3cr3t!',
      url: 'jdbc:mysql://h/db',
    })
    assert.deepEqual(p.get(file).data, { user: 'alice', password: 's3cr3t!', url: 'jdbc:mysql://h/db' })
    assert.deepEqual(p.get('', new Set(['user'])).data, {})
  })

  it("fails with Kafka's message for a file that cannot be read", () => {
    const p = new FileConfigProvider()
    p.configure({})
    assert.throws(
      () => p.get('/nonexistent/x.properties', new Set(['a'])),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message === 'Could not read properties from file /nonexistent/x.properties',
    )
  })

  it('allowed.paths: inside is read, outside (also via .. or a shared prefix) yields nothing and a warning', () => {
    const dir = secrets()
    const r = recorder()
    const p = new FileConfigProvider(r.log)
    p.configure({ 'allowed.paths': path.join(dir, 'allowed') })
    assert.deepEqual(p.get(path.join(dir, 'allowed', 'db.properties'), new Set(['user'])).data, {
      user: 'alice',
    })
    const sneaky = path.join(dir, 'allowed', '..', 'allowedx', 'other.properties')
    assert.deepEqual(p.get(sneaky, new Set(['user'])).data, {})
    assert.deepEqual(p.get(path.join(dir, 'allowedx', 'other.properties'), new Set(['user'])).data, {})
    assert.deepEqual(r.lines, [
      `WARN The path ${sneaky} is not allowed to be accessed`,
      `WARN The path ${path.join(dir, 'allowedx', 'other.properties')} is not allowed to be accessed`,
    ])
  })

  it('allowed.paths entries must be absolute and exist', () => {
    const p = new FileConfigProvider()
    assert.throws(
      () => p.configure({ 'allowed.paths': 'relative/dir' }),
      /Path relative\/dir is not absolute/,
    )
    assert.throws(
      () => p.configure({ 'allowed.paths': '/does/not/exist' }),
      /Path \/does\/not\/exist does not exist/,
    )
  })

  it('refuses to work before configure, as Kafka does', () => {
    assert.throws(() => new FileConfigProvider().get('/x', new Set(['a'])), /has not been configured yet/)
  })
})

describe('DirectoryConfigProvider', () => {
  it('maps regular file names to their contents; directories are ignored; symlinks to files count', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-dir-'))
    writeFileSync(path.join(dir, 'username'), 'bob')
    writeFileSync(path.join(dir, 'password'), 'p\nw\n')
    mkdirSync(path.join(dir, 'sub'))
    symlinkSync(path.join(dir, 'username'), path.join(dir, 'alias'))
    const p = new DirectoryConfigProvider()
    p.configure({})
    assert.deepEqual(p.get(dir, new Set(['password', 'sub', 'missing'])).data, { password: 'p\nw\n' })
    assert.deepEqual(p.get(dir).data, { alias: 'bob', password: 'p\nw\n', username: 'bob' })
  })

  it('a path that is not a directory, or outside allowed.paths, yields nothing and a warning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-dir-'))
    mkdirSync(path.join(dir, 'ok'))
    writeFileSync(path.join(dir, 'ok', 'k'), 'v')
    const r = recorder()
    const p = new DirectoryConfigProvider(r.log)
    p.configure({ 'allowed.paths': path.join(dir, 'ok') })
    assert.deepEqual(p.get(path.join(dir, 'ok'), new Set(['k'])).data, { k: 'v' })
    assert.deepEqual(p.get(path.join(dir, 'ok', 'k'), new Set(['k'])).data, {})
    assert.deepEqual(p.get(dir, new Set(['k'])).data, {})
    assert.deepEqual(r.lines, [
      `WARN The path ${path.join(dir, 'ok', 'k')} is not a directory`,
      `WARN The path ${dir} is not allowed to be accessed`,
    ])
  })
})

describe('EnvVarConfigProvider', () => {
  const env = { DB_PASSWORD: 'pw', DB_USER: 'u', HOME: '/root' }

  it('returns the variables matching allowlist.pattern (the whole name); default .* with an INFO line', () => {
    const r = recorder()
    const all = new EnvVarConfigProvider(env, r.log)
    all.configure({})
    assert.deepEqual(all.get('', new Set(['HOME', 'NOPE'])).data, { HOME: '/root' })
    assert.deepEqual(r.lines, [
      "INFO No pattern for environment variables provided. Using default pattern '(.*)'.",
    ])
    const db = new EnvVarConfigProvider(env)
    db.configure({ 'allowlist.pattern': 'DB_.*' })
    assert.deepEqual(db.get('').data, { DB_PASSWORD: 'pw', DB_USER: 'u' })
    const partial = new EnvVarConfigProvider(env)
    partial.configure({ 'allowlist.pattern': 'DB' })
    assert.deepEqual(partial.get('', new Set(['DB_USER'])).data, {})
  })

  it("rejects a path with Kafka's message and a bad pattern naming the parameter", () => {
    const p = new EnvVarConfigProvider(env)
    p.configure({})
    assert.throws(
      () => p.get('/etc', new Set(['HOME'])),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message === "Path is not supported for EnvVarConfigProvider, invalid value '/etc'",
    )
    assert.throws(
      () => new EnvVarConfigProvider(env).configure({ 'allowlist.pattern': '(' }),
      (e: Error) => e instanceof ConfigError && Object.keys(e.errors).includes('allowlist.pattern'),
    )
  })
})

describe('built-in providers in the plugin registry', () => {
  it("are found by Kafka's class name and by both aliases", async () => {
    const registry = await loadPluginRegistry()
    for (const [cls, simple, pruned] of [
      ['org.apache.kafka.common.config.provider.FileConfigProvider', 'FileConfigProvider', 'File'],
      [
        'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
        'DirectoryConfigProvider',
        'Directory',
      ],
      ['org.apache.kafka.common.config.provider.EnvVarConfigProvider', 'EnvVarConfigProvider', 'EnvVar'],
    ] as const) {
      for (const name of [cls, simple, pruned]) {
        assert.equal(registry.find(name, 'config_provider')?.className, cls, name)
      }
    }
  })
})
