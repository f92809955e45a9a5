/**
 * Kafka Connect's `Values` (string forms and parsing, as SimpleHeaderConverter and Cast use them) and the
 * Java `toString` forms of Connect values and numbers that converters and transforms share.
 *
 * @packageDocumentation
 */
export { encodeBase64 } from './base64.js'
export {
  bigDecimalToString,
  bigintToFloat,
  decimalTextToFloat,
  decimalToInteger,
  decimalTruncate,
  javaDoubleToString,
  javaFloatToString,
} from './java-numbers.js'
export {
  describeJsValue,
  isBlank,
  isPlainObject,
  isStructValue,
  javaDateToString,
  javaNumberToString,
  javaToString,
  javaTrim,
} from './java-strings.js'
export { LruCache } from './lru-cache.js'
export {
  convertToString as valuesConvertToString,
  formatDate as valuesFormatDate,
  parseString,
} from './values.js'
