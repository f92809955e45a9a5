/** The type of a config value (Kafka's `ConfigDef.Type`). */
export type ConfigType =
  | 'BOOLEAN'
  | 'STRING'
  | 'INT'
  | 'SHORT'
  | 'LONG'
  | 'DOUBLE'
  | 'LIST'
  | 'CLASS'
  | 'PASSWORD'

/** Every {@link ConfigType}, in Kafka's declaration order. */
export const CONFIG_TYPES: readonly ConfigType[] = Object.freeze([
  'BOOLEAN',
  'STRING',
  'INT',
  'SHORT',
  'LONG',
  'DOUBLE',
  'LIST',
  'CLASS',
  'PASSWORD',
] as const)

/** How important a config is to set (Kafka's `ConfigDef.Importance`); docs list `HIGH` first. */
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW'

/** UI width hint of a config value (Kafka's `ConfigDef.Width`). */
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG'

/**
 * Marker for "no default value": a key defined with it is required (Kafka's `ConfigDef.NO_DEFAULT_VALUE`).
 * Omitting `defaultValue` in {@link ConfigDef.define} has the same effect.
 */
export const NO_DEFAULT_VALUE: unique symbol = Symbol.for('sluice.config.no-default-value')

/** Type of {@link NO_DEFAULT_VALUE}. */
export type NoDefaultValue = typeof NO_DEFAULT_VALUE

/**
 * Parsed config values by name: `STRING` → string, `INT`/`SHORT`/`DOUBLE` → number, `LONG` → number (bigint
 * beyond the safe integer range), `BOOLEAN` → boolean, `LIST` → string[], `CLASS` → class name string (or
 * the constructor when given one), `PASSWORD` → {@link Password}; `null` where the default is null.
 */
export type ParsedConfig = Record<string, unknown>
