/**
 * Every deliberate difference between the records of Sluice's MySQL connector and Debezium 2.7.4's on
 * the same MariaDB, with its reason. The differential fails on any difference not listed here.
 * `topic` is the topic kind (`data`, `schema`, `history`); `path` a JSONPath-like location.
 */
export interface MySqlListedDifference {
  readonly topic: 'data' | 'schema' | 'history'
  readonly path: RegExp
  readonly reason: string
}

export const MYSQL_LISTED_DIFFERENCES: readonly MySqlListedDifference[] = [
  {
    topic: 'schema',
    path: /^\$\.payload\.tableChanges\[0\]\.table\.columns\[\d+\]\.length$/,
    reason:
      "column length after an ALTER: Debezium's DDL parser records what the ALTER statement spelled (`extra INT` → " +
      'length null); Sluice re-reads the table from INFORMATION_SCHEMA after DDL and reports the display width ' +
      'the server shows (int(11) → 11), as Debezium itself does for the same column in a snapshot',
  },
  {
    topic: 'history',
    path: /^\$\.tableChanges\[0\]\.table\.columns\[\d+\]\.length$/,
    reason: 'the same ALTER column length difference, in the schema history topic',
  },
]
