import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type BodyType, JacksonError, readJacksonBody } from '../src/jackson-json.js'

// Expected messages are what Kafka Connect 4.1.2 (Jersey 3.1 + Jackson 2.19; 4.4: 2.20) answered for the same bodies.
const SRC = 'REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)'
const at = (col: number, line = 1): string => `\n at [Source: ${SRC}; line: ${line}, column: ${col}]`
const CCR = 'org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest'

function failure(body: string, type: BodyType): string {
  try {
    readJacksonBody(Buffer.from(body), type)
  } catch (err) {
    assert.ok(err instanceof JacksonError, String(err))
    return err.message
  }
  assert.fail(`no error for ${body}`)
}

describe('readJacksonBody', () => {
  it('binds a CreateConnectorRequest, coercing scalar config values to their JSON text', () => {
    const v = readJacksonBody(
      Buffer.from('{"name":"x","config":{"a":true,"b":1.50,"c":null,"d":1e3},"initial_state":"paused"}'),
      'CreateConnectorRequest',
    )
    assert.deepEqual(v, {
      name: 'x',
      config: { a: 'true', b: '1.50', c: null, d: '1e3' },
      initial_state: 'PAUSED',
    })
  })

  it('returns null for an empty body and for a JSON null', () => {
    assert.equal(readJacksonBody(Buffer.from('   '), 'StringMap'), null)
    assert.equal(readJacksonBody(Buffer.from('null'), 'CreateConnectorRequest'), null)
  })

  it('binds ConnectorOffsets with untyped partition and offset maps', () => {
    const v = readJacksonBody(
      Buffer.from(
        '{"offsets":[{"partition":{"kafka_topic":"t","kafka_partition":"10"},"offset":{"kafka_offset":5}},{"partition":{"f":"a"},"offset":null}]}',
      ),
      'ConnectorOffsets',
    )
    assert.deepEqual(v, {
      offsets: [
        { partition: { kafka_topic: 't', kafka_partition: '10' }, offset: { kafka_offset: 5 } },
        { partition: { f: 'a' }, offset: null },
      ],
    })
  })

  const cases: Array<[string, BodyType, string]> = [
    [
      '{bad',
      'CreateConnectorRequest',
      `Unexpected character ('b' (code 98)): was expecting double-quote to start field name${at(2)}`,
    ],
    [
      '{"name":"x","config":{',
      'CreateConnectorRequest',
      `Unexpected end-of-input: expected close marker for Object (start marker at [Source: ${SRC}; line: 1, column: 22])${at(23)} (through reference chain: ${CCR}["config"])`,
    ],
    [
      '[]',
      'CreateConnectorRequest',
      `Cannot deserialize value of type \`${CCR}\` from Array value (token \`JsonToken.START_ARRAY\`)${at(1)}`,
    ],
    [
      '{"name":"x","config":{"a":{"b":1}}}',
      'CreateConnectorRequest',
      `Cannot deserialize value of type \`java.lang.String\` from Object value (token \`JsonToken.START_OBJECT\`)${at(27)} (through reference chain: ${CCR}["config"]->java.util.LinkedHashMap["a"])`,
    ],
    [
      '{"name":"x","config":{},"extra":1}',
      'CreateConnectorRequest',
      `Unrecognized field "extra" (class ${CCR}), not marked as ignorable (3 known properties: "config", "name", "initial_state")${at(35)} (through reference chain: ${CCR}["extra"])`,
    ],
    [
      '{"config":{},"extra":{"deep":[1,2]},"name":"x"}',
      'CreateConnectorRequest',
      `Unrecognized field "extra" (class ${CCR}), not marked as ignorable (3 known properties: "config", "name", "initial_state")${at(48)} (through reference chain: ${CCR}["extra"])`,
    ],
    [
      '{"name":"x","config":"abc"}',
      'CreateConnectorRequest',
      `Cannot construct instance of \`java.util.LinkedHashMap\` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('abc')${at(22)} (through reference chain: ${CCR}["config"])`,
    ],
    [
      '{"name":"x","config":5}',
      'CreateConnectorRequest',
      `Cannot deserialize value of type \`java.util.LinkedHashMap<java.lang.String,java.lang.String>\` from Integer value (token \`JsonToken.VALUE_NUMBER_INT\`)${at(22)} (through reference chain: ${CCR}["config"])`,
    ],
    [
      '5',
      'CreateConnectorRequest',
      `Cannot construct instance of \`${CCR}\` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (5)${at(1)}`,
    ],
    [
      '{"name":"x","config":{"connector.class":"x"},"initial_state":5}',
      'CreateConnectorRequest',
      `Cannot construct instance of \`${CCR}$InitialState\`, problem: No enum constant ${CCR}.InitialState.5${at(62)} (through reference chain: ${CCR}["initial_state"])`,
    ],
    [
      '{"name":"x","config":{"connector.class":"x"}} trailing',
      'CreateConnectorRequest',
      `Unrecognized token 'trailing': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${at(47)}`,
    ],
    [
      '{"name":"x" "config":{}}',
      'CreateConnectorRequest',
      `Unexpected character ('"' (code 34)): was expecting comma to separate Object entries${at(13)}`,
    ],
    [
      '{"name":"x",}',
      'CreateConnectorRequest',
      `Unexpected character ('}' (code 125)): was expecting double-quote to start field name${at(13)}`,
    ],
    [
      '{"name":x}',
      'CreateConnectorRequest',
      `Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${at(9)}`,
    ],
    [
      '{"name":tru}',
      'CreateConnectorRequest',
      `Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${at(9)}`,
    ],
    [
      '{"name":"x"  , "config" {}}',
      'CreateConnectorRequest',
      `Unexpected character ('{' (code 123)): was expecting a colon to separate field name and value${at(25)}`,
    ],
    [
      "{'name':'x'}",
      'CreateConnectorRequest',
      `Unexpected character (''' (code 39)): was expecting double-quote to start field name${at(2)}`,
    ],
    [
      '{"name":"a\nb"}',
      'CreateConnectorRequest',
      `Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value${at(11)} (through reference chain: ${CCR}["name"])`,
    ],
    [
      '{"name":"a\\qb"}',
      'CreateConnectorRequest',
      `Unrecognized character escape 'q' (code 113)${at(12)} (through reference chain: ${CCR}["name"])`,
    ],
    ['{"name":01}', 'CreateConnectorRequest', `Invalid numeric value: Leading zeroes not allowed${at(10)}`],
    [
      '{"name":-}',
      'CreateConnectorRequest',
      `Unexpected character ('}' (code 125)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value${at(10)}`,
    ],
    [
      '{"a":{}}',
      'StringMap',
      `Cannot deserialize value of type \`java.lang.String\` from Object value (token \`JsonToken.START_OBJECT\`)${at(6)} (through reference chain: java.util.LinkedHashMap["a"])`,
    ],
    [
      '"s"',
      'StringMap',
      `Cannot construct instance of \`java.util.LinkedHashMap\` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('s')${at(1)}`,
    ],
    [
      '{"offsets":{}}',
      'ConnectorOffsets',
      `Cannot deserialize value of type \`java.util.ArrayList<org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset>\` from Object value (token \`JsonToken.START_OBJECT\`)${at(12)} (through reference chain: org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets["offsets"])`,
    ],
    [
      '{"offsets":[{"partition":{},"offset":{}}],"x":1}',
      'ConnectorOffsets',
      `Unrecognized field "x" (class org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets), not marked as ignorable (one known property: "offsets")${at(48)} (through reference chain: org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets["x"])`,
    ],
    [
      '{"offsets":[{"partition":{},"offset":{},"x":1}]}',
      'ConnectorOffsets',
      `Unrecognized field "x" (class org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset), not marked as ignorable (2 known properties: "partition", "offset")${at(46)} (through reference chain: org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets["offsets"]->java.util.ArrayList[0]->org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset["x"])`,
    ],
    [
      '{"offsets":[5]}',
      'ConnectorOffsets',
      `Cannot construct instance of \`org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset\` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (5)${at(13)} (through reference chain: org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets["offsets"]->java.util.ArrayList[0])`,
    ],
  ]
  for (const [body, type, expected] of cases) {
    it(`rejects ${JSON.stringify(body)} as Kafka Connect does`, () => {
      assert.equal(failure(body, type), expected)
    })
  }

  it('counts lines and byte columns', () => {
    assert.equal(
      failure('{\n  "a": x\n}', 'StringMap'),
      `Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${at(8, 2)}`,
    )
  })
})
