import {
  parseDisplayObjects,
  parseMqscAttributes,
  redactMqscCommand,
  validateMqscCommand,
} from './mqscText';
import {
  extractMessageIds,
  hintForMessageId,
  isRetryableMessageId,
} from './messages';

describe('MQSC text helpers', () => {
  it('reads attributes, blanks and nested parentheses', () => {
    expect(
      parseMqscAttributes(
        '   QMNAME(QM1)                             CERTLABL( )\n   SSLKEYR(/var/mqm/qmgrs/QM1/ssl/key)   CONNAME(mq1(1414))',
      ),
    ).toEqual({
      QMNAME: 'QM1',
      CERTLABL: '',
      SSLKEYR: '/var/mqm/qmgrs/QM1/ssl/key',
      CONNAME: 'mq1(1414)',
    });
  });

  it('splits DISPLAY output into objects', () => {
    const objects = parseDisplayObjects([
      'AMQ8414I: Display Channel details.   CHANNEL(A)   CERTLABL(x)',
      'AMQ8414I: Display Channel details.',
      '   CHANNEL(B)',
      '   CERTLABL( )',
    ]);
    expect(objects).toEqual([
      { CHANNEL: 'A', CERTLABL: 'x' },
      { CHANNEL: 'B', CERTLABL: '' },
    ]);
  });

  it('redacts password values', () => {
    expect(
      redactMqscCommand("ALTER QMGR KEYRPWD('s3cr''et') SSLKEYR('/k.p12')"),
    ).toBe("ALTER QMGR KEYRPWD(***) SSLKEYR('/k.p12')");
  });

  it('refuses multi-line commands and names the field', () => {
    expect(() =>
      validateMqscCommand('DISPLAY QMGR\nDELETE QLOCAL(X)', 'commands[0]'),
    ).toThrow(/commands\[0\]: an MQSC command must be a single line/);
    expect(validateMqscCommand('  DISPLAY QMGR ')).toBe('DISPLAY QMGR');
  });

  it('finds message ids and knows which are retryable', () => {
    expect(
      extractMessageIds([
        'AMQ9710E: refresh timed out',
        'AMQ8146: x',
        'MQWB0100E: y',
      ]),
    ).toEqual(['AMQ9710E', 'AMQ8146', 'MQWB0100E']);
    expect(isRetryableMessageId('AMQ9710E')).toBe(true);
    expect(isRetryableMessageId('AMQ9710')).toBe(true);
    expect(isRetryableMessageId('AMQ8135E')).toBe(false);
    expect(hintForMessageId('MQWB0100E')).toMatch(/csrf/i);
  });
});
