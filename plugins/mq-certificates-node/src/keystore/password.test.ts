import {
  generateKeystorePassword,
  strongPasswordProblems,
  validateKeystorePassword,
} from './password';

describe('keystore passwords', () => {
  it('generates passwords that meet the runmqakm -strong rules and need no quoting', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const pw = generateKeystorePassword();
      expect(pw).toHaveLength(24);
      expect(strongPasswordProblems(pw)).toEqual([]);
      expect(pw).toMatch(/^[A-Za-z0-9._@%+=:,^~-]+$/);
      seen.add(pw);
    }
    expect(seen.size).toBe(300);
    expect(strongPasswordProblems(generateKeystorePassword(14))).toEqual([]);
  });

  it('names each -strong rule a password breaks', () => {
    expect(strongPasswordProblems('short')).toEqual([
      'has fewer than 14 characters',
      'has no upper-case letter',
      'has no digit or special character',
    ]);
    expect(strongPasswordProblems('Abaxaybazaq1wr')).toEqual([
      'uses a character more than 3 times',
    ]);
    expect(strongPasswordProblems('Abbb1cdefghijkl')).toEqual([
      'has 3 identical characters in a row',
    ]);
    expect(strongPasswordProblems('Abcdefgh1jklmn')).toEqual([]);
  });

  it('refuses empty and non-ASCII passwords naming the field, never echoing the value', () => {
    expect(() =>
      validateKeystorePassword('', { field: 'spec.password' }),
    ).toThrow(/^spec\.password: empty/);
    expect(() => validateKeystorePassword(undefined)).toThrow(
      /keystore password: empty/,
    );
    const secret = 'Pässwort-geheim1';
    let message = '';
    try {
      validateKeystorePassword(secret);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/outside printable ASCII/);
    expect(message).not.toContain('geheim');
    expect(() => validateKeystorePassword('tab\there')).toThrow(
      /printable ASCII/,
    );
    expect(validateKeystorePassword('plain but fine')).toBe('plain but fine');
    expect(() =>
      validateKeystorePassword('weakpassword', { strong: true }),
    ).toThrow(
      /does not meet runmqakm -strong rules: it has fewer than 14 characters, has no upper-case letter/,
    );
  });
});
