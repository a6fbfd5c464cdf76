import {
  encodeQueueManagerForUrl,
  parseMqwebError,
  parseRunCommandResponse,
} from './restResponse';

describe('REST mqsc responses', () => {
  it('reads a successful response (IBM sample shape)', () => {
    const parsed = parseRunCommandResponse('DEFINE CHANNEL(X)', {
      commandResponse: [
        {
          completionCode: 0,
          reasonCode: 0,
          text: ['AMQ8014I: IBM MQ channel created.'],
        },
      ],
      overallReasonCode: 0,
      overallCompletionCode: 0,
    });
    expect(parsed?.ok).toBe(true);
    expect(parsed?.response).toEqual({
      command: 'DEFINE CHANNEL(X)',
      completionCode: 0,
      reasonCode: 0,
      text: ['AMQ8014I: IBM MQ channel created.'],
      messageIds: ['AMQ8014I'],
    });
  });

  it('treats HTTP 200 with a non-zero overallCompletionCode as a failure', () => {
    const parsed = parseRunCommandResponse('REFRESH SECURITY TYPE(SSL)', {
      commandResponse: [
        {
          completionCode: 2,
          reasonCode: 3008,
          text: [
            'AMQ9710E: The REFRESH SECURITY command did not complete in time.',
          ],
        },
      ],
      overallCompletionCode: 2,
      overallReasonCode: 3008,
    });
    expect(parsed?.ok).toBe(false);
    expect(parsed?.failureMessageId).toBe('AMQ9710E');
    expect(parsed?.response.completionCode).toBe(2);
    expect(parsed?.response.reasonCode).toBe(3008);
    expect(parsed?.failureText).toMatch(/^AMQ9710E/);
  });

  it('joins several objects of a DISPLAY', () => {
    const parsed = parseRunCommandResponse('DISPLAY CHANNEL(*)', {
      commandResponse: [
        {
          completionCode: 0,
          reasonCode: 0,
          text: ['AMQ8414I: Display Channel details.   CHANNEL(A)'],
        },
        {
          completionCode: 0,
          reasonCode: 0,
          text: ['AMQ8414I: Display Channel details.   CHANNEL(B)'],
        },
      ],
      overallCompletionCode: 0,
      overallReasonCode: 0,
    });
    expect(parsed?.response.text).toHaveLength(2);
    expect(parsed?.response.messageIds).toEqual(['AMQ8414I']);
  });

  it('rejects bodies that are not MQSC responses', () => {
    expect(parseRunCommandResponse('X', { hello: 1 })).toBeUndefined();
    expect(parseRunCommandResponse('X', 'text')).toBeUndefined();
  });

  it('reads the mqweb error body', () => {
    expect(
      parseMqwebError({
        error: [
          {
            type: 'rest',
            messageId: 'MQWB0100E',
            message:
              "MQWB0100E: The CSRF header 'ibm-mq-rest-csrf-token' was omitted.",
            explanation: 'A CSRF header is required.',
            action: 'Add the header.',
          },
        ],
      }),
    ).toMatchObject({ messageId: 'MQWB0100E', action: 'Add the header.' });
    expect(parseMqwebError({ error: [] })).toBeUndefined();
  });

  it('encodes queue manager names for the URL', () => {
    expect(encodeQueueManagerForUrl('QM/1%x.y_z')).toBe('QM%2F1%25x.y_z');
  });
});
