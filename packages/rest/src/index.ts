/**
 * `@sluice/rest`: Kafka Connect's REST API for Sluice, on fastify. Every Kafka Connect 4.1 endpoint,
 * entity, status code and error message, driven through the runtime's `Herder`.
 *
 * @packageDocumentation
 */

export { javaHashOrder, javaStringHash } from '@sluice/runtime'
export type { ErrorBody } from './errors.js'
export { RestError, toErrorResponse } from './errors.js'
export type { HeaderAction } from './http-filters.js'
export { CorsPolicy, headerRuleActions } from './http-filters.js'
export type { BodyType } from './jackson-json.js'
export { JacksonError, readJacksonBody } from './jackson-json.js'
export type { LoggerLevel, LogLevel } from './logger-levels.js'
export { LOG_LEVELS, LoggerLevels, parseLogLevel, ROOT_LOGGER } from './logger-levels.js'
export type { HeaderRule, Listener, RestConfig } from './rest-config.js'
export { csvSplit, parseHeaderRule, parseListener, parseRestConfig, REST_CONFIG_DEF } from './rest-config.js'
export type { RestServer, RestServerOptions } from './rest-server.js'
export { createRestServer } from './rest-server.js'
export { parseSinkOffsets } from './routes.js'
