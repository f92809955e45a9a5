import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  type ConfigData,
  ConfigDef,
  ConfigError,
  type ConfigProvider,
  definePlugin,
  type PluginDefinition,
} from '@sluice/api'
import { Properties } from 'properties-file/parser'
import { AllowedPaths } from './allowed-paths.js'

/**
 * Kafka's three built-in config providers, under their class names (aliases `FileConfigProvider`/`File`,
 * …), with their parameters and error behaviour: a path outside `allowed.paths` or a missing directory is
 * logged and yields no values (the reference stays unresolved); an unreadable file is a `ConfigError`.
 */

const PKG = 'org.apache.kafka.common.config.provider'
export const FILE_CONFIG_PROVIDER = `${PKG}.FileConfigProvider`
export const DIRECTORY_CONFIG_PROVIDER = `${PKG}.DirectoryConfigProvider`
export const ENV_VAR_CONFIG_PROVIDER = `${PKG}.EnvVarConfigProvider`
const VERSION = '4.4.0'

/** Where the built-in providers report what Kafka's log as WARN/INFO. */
export type ProviderLog = (level: 'INFO' | 'WARN', message: string, logger: string) => void

const stderrLog: ProviderLog = (level, message, logger) =>
  process.stderr.write(
    `[${new Date().toISOString().replace('T', ' ').replace('Z', '')}] ${level} ${message} (${logger})\n`,
  )

const ALLOWED_PATHS_DOC =
  'A comma separated list of paths that this config provider is allowed to access. If not set, all paths are allowed.'

const allowedPathsDef = (): ConfigDef =>
  new ConfigDef().define({
    name: 'allowed.paths',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation: ALLOWED_PATHS_DOC,
  })

function notConfigured(): never {
  throw new ConfigError('The provider has not been configured yet.')
}

/**
 * What the file and directory providers share: `allowed.paths`, Kafka's "not configured yet" check, and
 * the WARN for a path outside `allowed.paths`.
 */
abstract class PathConfigProvider implements ConfigProvider {
  #allowed: AllowedPaths | undefined
  protected readonly log: ProviderLog

  constructor(
    protected readonly className: string,
    log: ProviderLog,
  ) {
    this.log = log
  }

  config(): ConfigDef {
    return allowedPathsDef()
  }

  configure(params: Readonly<Record<string, string>>): void {
    this.#allowed = new AllowedPaths(params['allowed.paths'])
  }

  get(untrusted: string, keys?: ReadonlySet<string>): ConfigData {
    const allowed = this.#allowed ?? notConfigured()
    if (untrusted === '') return { data: {} }
    const resolved = allowed.parseUntrustedPath(untrusted)
    if (resolved === null) {
      this.log('WARN', `The path ${untrusted} is not allowed to be accessed`, this.className)
      return { data: {} }
    }
    return { data: this.read(untrusted, resolved, keys) }
  }

  /** Reads an allowed path: `requested` as written (for messages), `resolved` to open. */
  protected abstract read(
    requested: string,
    resolved: string,
    keys?: ReadonlySet<string>,
  ): Record<string, string>
}

/** `${file:/path/to/file.properties:key}`: the value of `key` in a Java properties file. */
export class FileConfigProvider extends PathConfigProvider {
  constructor(log: ProviderLog = stderrLog) {
    super(FILE_CONFIG_PROVIDER, log)
  }

  protected read(requested: string, file: string, keys?: ReadonlySet<string>): Record<string, string> {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new ConfigError(`Could not read properties from file ${requested}`, {}, { cause: err })
    }
    const all = Object.create(null) as Record<string, string>
    for (const node of new Properties(text).getProperties()) all[node.key] = node.value
    return pick(all, keys)
  }
}

/** `${dir:/path/to/dir:filename}`: the contents of a regular file in a directory (Kubernetes secrets). */
export class DirectoryConfigProvider extends PathConfigProvider {
  constructor(log: ProviderLog = stderrLog) {
    super(DIRECTORY_CONFIG_PROVIDER, log)
  }

  protected read(requested: string, dir: string, keys?: ReadonlySet<string>): Record<string, string> {
    const data: Record<string, string> = {}
    if (!isA(dir, 'directory')) {
      this.log('WARN', `The path ${requested} is not a directory`, this.className)
      return data
    }
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch (err) {
      throw new ConfigError(`Could not list directory ${dir}`, {}, { cause: err })
    }
    for (const name of names) {
      const file = path.join(dir, name)
      // Regular files only (statSync follows symlinks, as Files.isRegularFile does).
      if ((keys !== undefined && !keys.has(name)) || !isA(file, 'file')) continue
      try {
        data[name] = readFileSync(file, 'utf8')
      } catch (err) {
        throw new ConfigError(`Could not read file ${file} for property ${name}`, {}, { cause: err })
      }
    }
    return data
  }
}

function isA(p: string, what: 'file' | 'directory'): boolean {
  try {
    const st = statSync(p)
    return what === 'file' ? st.isFile() : st.isDirectory()
  } catch {
    return false
  }
}

/** `${env:VAR_NAME}`: an environment variable whose name matches `allowlist.pattern` (whole name). */
export class EnvVarConfigProvider implements ConfigProvider {
  readonly #env: Readonly<Record<string, string | undefined>>
  readonly #log: ProviderLog
  #filtered: Record<string, string> | undefined

  constructor(env: Readonly<Record<string, string | undefined>> = process.env, log: ProviderLog = stderrLog) {
    this.#env = env
    this.#log = log
  }

  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'allowlist.pattern',
      type: 'STRING',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation:
        'A pattern / regular expression that needs to match for environment variables to be used by this config provider.',
    })
  }

  configure(params: Readonly<Record<string, string>>): void {
    const source = params['allowlist.pattern']
    let pattern: RegExp
    if (source === undefined) {
      pattern = /^(?:.*)$/s
      this.#log(
        'INFO',
        "No pattern for environment variables provided. Using default pattern '(.*)'.",
        ENV_VAR_CONFIG_PROVIDER,
      )
    } else {
      try {
        // Java's Matcher.matches(): the whole name must match.
        pattern = new RegExp(`^(?:${source})$`, 'u')
      } catch (err) {
        const text = `Invalid value ${source} for configuration allowlist.pattern: ${(err as Error).message}`
        throw new ConfigError(text, { 'allowlist.pattern': [text] })
      }
    }
    this.#filtered = {}
    for (const [k, v] of Object.entries(this.#env))
      if (v !== undefined && pattern.test(k)) this.#filtered[k] = v
  }

  get(varPath: string, keys?: ReadonlySet<string>): ConfigData {
    if (varPath !== '') {
      const text = `Path is not supported for EnvVarConfigProvider, invalid value '${varPath}'`
      this.#log('WARN', text, ENV_VAR_CONFIG_PROVIDER)
      throw new ConfigError(text)
    }
    const filtered = this.#filtered ?? notConfigured()
    return { data: pick(filtered, keys) }
  }
}

function pick(
  all: Readonly<Record<string, string>>,
  keys: ReadonlySet<string> | undefined,
): Record<string, string> {
  if (keys === undefined) return { ...all }
  const out: Record<string, string> = {}
  for (const k of keys) if (Object.hasOwn(all, k)) out[k] = all[k] as string
  return out
}

/** The built-in providers as plugins; the registry loads this module with the other built-ins. */
export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'config_provider',
    className: FILE_CONFIG_PROVIDER,
    version: VERSION,
    create: () => new FileConfigProvider(),
  }),
  definePlugin({
    kind: 'config_provider',
    className: DIRECTORY_CONFIG_PROVIDER,
    version: VERSION,
    create: () => new DirectoryConfigProvider(),
  }),
  definePlugin({
    kind: 'config_provider',
    className: ENV_VAR_CONFIG_PROVIDER,
    version: VERSION,
    create: () => new EnvVarConfigProvider(),
  }),
]
