/** Schema name of the Decimal logical type (Kafka Connect's `Decimal.LOGICAL_NAME`). */
export const DECIMAL_LOGICAL_NAME = 'org.apache.kafka.connect.data.Decimal'
/** Schema name of the Date logical type (Kafka Connect's `Date.LOGICAL_NAME`). */
export const DATE_LOGICAL_NAME = 'org.apache.kafka.connect.data.Date'
/** Schema name of the Time logical type (Kafka Connect's `Time.LOGICAL_NAME`). */
export const TIME_LOGICAL_NAME = 'org.apache.kafka.connect.data.Time'
/** Schema name of the Timestamp logical type (Kafka Connect's `Timestamp.LOGICAL_NAME`). */
export const TIMESTAMP_LOGICAL_NAME = 'org.apache.kafka.connect.data.Timestamp'

/** Milliseconds in a day; Date and Time logical values are built on it. */
export const MILLIS_PER_DAY = 86_400_000
