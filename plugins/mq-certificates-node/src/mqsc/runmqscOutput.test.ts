import { parseRunmqscOutput } from './runmqscOutput';

describe('parseRunmqscOutput', () => {
  it('splits echoed commands, answers and the summary', () => {
    const out = [
      '5724-H72 (C) Copyright IBM Corp. 1994, 2024.',
      'Starting MQSC for queue manager QM1.',
      '',
      '',
      '     1 : DISPLAY QMGR SSLKEYR CERTLABL',
      'AMQ8408I: Display Queue Manager details.',
      '   QMNAME(QM1)                             CERTLABL( )',
      '   SSLKEYR(/var/mqm/qmgrs/QM1/ssl/key)',
      '     2 : REFRESH SECURITY TYPE(SSL)',
      'AMQ8560I: IBM MQ security cache refreshed.',
      '2 MQSC commands read.',
      'No commands have a syntax error.',
      'All valid MQSC commands were processed.',
      '',
    ].join('\n');
    const parsed = parseRunmqscOutput(out);
    expect(parsed.summary).toEqual({
      commandsRead: 2,
      syntaxErrors: 0,
      failedCommands: 0,
    });
    expect(parsed.preamble).toHaveLength(2);
    expect(
      parsed.commands.map(c => [c.command, c.messageIds, c.completionCode]),
    ).toEqual([
      ['DISPLAY QMGR SSLKEYR CERTLABL', ['AMQ8408I'], 0],
      ['REFRESH SECURITY TYPE(SSL)', ['AMQ8560I'], 0],
    ]);
    expect(parsed.commands[0].text).toHaveLength(3);
  });

  it('reads a failed command and the "One valid … could not be processed" summary', () => {
    const parsed = parseRunmqscOutput(
      [
        'Starting MQSC for queue manager QM1.',
        '     1 : REFRESH SECURITY TYPE(SSL)',
        'AMQ9710E: REFRESH SECURITY TYPE(SSL) did not complete within the time limit.',
        'One MQSC command read.',
        'No commands have a syntax error.',
        'One valid MQSC command could not be processed.',
      ].join('\n'),
    );
    expect(parsed.summary).toEqual({
      commandsRead: 1,
      syntaxErrors: 0,
      failedCommands: 1,
    });
    expect(parsed.commands[0].completionCode).toBe(2);
    expect(parsed.commands[0].messageIds).toEqual(['AMQ9710E']);
  });

  it('joins continuation lines and counts syntax errors', () => {
    const parsed = parseRunmqscOutput(
      [
        '     1 : alter ql(QMW) trigger +',
        '       : trigtype(FIRST)',
        'AMQ8008: WebSphere MQ queue changed.',
        '     2 : DEFINE BOGUS(X)',
        'AMQ8405E: Syntax error detected at or near end of command segment below:-',
        '2 MQSC commands read.',
        'One command has a syntax error.',
        'All valid MQSC commands were processed.',
      ].join('\n'),
    );
    expect(parsed.commands[0].command).toBe(
      'alter ql(QMW) trigger trigtype(FIRST)',
    );
    expect(parsed.commands[0].completionCode).toBe(0);
    expect(parsed.commands[1].completionCode).toBe(2);
    expect(parsed.summary.syntaxErrors).toBe(1);
  });

  it('recognises a queue manager that is not available before any command', () => {
    const parsed = parseRunmqscOutput(
      [
        'Starting MQSC for queue manager QM9.',
        'AMQ8146E: IBM MQ queue manager not available.',
        'No MQSC commands read.',
        'No commands have a syntax error.',
        'All valid MQSC commands were processed.',
      ].join('\n'),
    );
    expect(parsed.commands).toHaveLength(0);
    expect(parsed.preambleFailureIds).toEqual(['AMQ8146E']);
    expect(parsed.summary.commandsRead).toBe(0);
  });
});
