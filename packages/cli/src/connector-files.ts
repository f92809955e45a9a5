import type { InitialState } from '@sluice/runtime'
import { CliError } from './cli-error.js'
import { decodePropertiesBytes, parseProperties, readConfigFile } from './properties.js'

/**
 * Connector files given to `connect-standalone` after the worker properties, read like Kafka's
 * `ConnectStandalone.parseConnectorConfigurationFile`, trying in order: a JSON object of string values
 * (the connector config), a JSON `CreateConnectorRequest` (`{"name", "config", "initial_state"}`), and a
 * `.properties` file.
 */

/** What to create (Kafka's `CreateConnectorRequest`). */
export interface ConnectorFile {
  readonly file: string
  readonly name: string
  readonly config: Record<string, string>
  /** `initial_state`, mapped as Kafka maps it (RUNNING → STARTED). */
  readonly initialState?: InitialState
}

/** Connector file problems exit with ConnectStandalone's connector-error code. */
const EXIT = 3

const INITIAL_STATES: Readonly<Record<string, InitialState>> = {
  RUNNING: 'STARTED',
  PAUSED: 'PAUSED',
  STOPPED: 'STOPPED',
}

/** Jackson's scalar coercion for `Map<String, String>`: numbers and booleans become their text. */
function asStringMap(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
    else return undefined
  }
  return out
}

function missingName(file: string): CliError {
  return new CliError(
    `Connector configuration at '${file}' is missing the mandatory 'name' configuration\n    fix: add name=<connector name> to ${file}`,
    EXIT,
  )
}

/**
 * Reads one connector file.
 * @throws {@link CliError} (exit 3) naming the file: unreadable, no `name`, or a `name` in `config` that
 *   differs from the request's
 */
export function parseConnectorFile(file: string): ConnectorFile {
  const bytes = readConfigFile(file, 'connector configuration file', EXIT)
  const text = decodePropertiesBytes(bytes)
  let json: unknown
  let isJson = false
  try {
    json = JSON.parse(text)
    isJson = true
  } catch {
    // Not JSON: a properties file.
  }
  if (isJson) {
    const flat = asStringMap(json)
    if (flat !== undefined) {
      if (!Object.hasOwn(flat, 'name')) throw missingName(file)
      return { file, name: flat.name as string, config: flat }
    }
    const request = parseCreateConnectorRequest(file, json)
    if (request !== undefined) return request
  }
  const config = parseProperties(text)
  if (!Object.hasOwn(config, 'name')) throw missingName(file)
  return { file, name: config.name as string, config: { ...config } }
}

/** A JSON `CreateConnectorRequest`, or `undefined` when the JSON is not one (Kafka then tries properties). */
function parseCreateConnectorRequest(file: string, json: unknown): ConnectorFile | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined
  const req = json as { name?: unknown; config?: unknown; initial_state?: unknown }
  if (req.name !== undefined && req.name !== null && typeof req.name !== 'string') return undefined
  const config = req.config === undefined || req.config === null ? undefined : asStringMap(req.config)
  if (req.config !== undefined && req.config !== null && config === undefined) return undefined
  let initialState: InitialState | undefined
  if (req.initial_state !== undefined && req.initial_state !== null) {
    if (typeof req.initial_state !== 'string') return undefined
    initialState = INITIAL_STATES[req.initial_state.toUpperCase()]
    // Jackson rejects an unknown state, and Kafka falls back to reading the file as properties.
    if (initialState === undefined) return undefined
  }
  if (config === undefined) {
    throw new CliError(
      `Connector configuration at '${file}' has no 'config' object\n    fix: put the connector's settings in "config": { ... }`,
      EXIT,
    )
  }
  const name = typeof req.name === 'string' ? req.name : undefined
  if (Object.hasOwn(config, 'name')) {
    if (config.name !== name) {
      throw new CliError(
        `Connector name configuration in 'config' doesn't match the one specified in 'name' at '${file}'\n    fix: use the same name in both places, or drop "name" from "config"`,
        EXIT,
      )
    }
  } else {
    if (name === undefined) throw missingName(file)
    config.name = name
  }
  return { file, name: config.name as string, config, ...(initialState !== undefined && { initialState }) }
}
