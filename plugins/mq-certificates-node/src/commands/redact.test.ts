import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    expect(
      redactSecrets('pw=s3cret; again s3cret; other=tok', [
        's3cret',
        'tok',
        '',
      ]),
    ).toBe('pw=***; again ***; other=***');
  });
});
