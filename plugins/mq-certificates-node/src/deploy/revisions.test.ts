import {
  keyRepositoryFormatOf,
  newRevisionId,
  parseRevisionFileName,
  validateRevisionId,
} from './revisions';

describe('revision names', () => {
  it('makes ids from the UTC time and the serial prefix', () => {
    expect(
      newRevisionId('CC:3F:3E:E2:91:07', new Date('2026-12-03T19:52:00.123Z')),
    ).toBe('20261203T195200Z-cc3f3ee2');
    expect(newRevisionId('0x1f', new Date('2026-01-02T03:04:05Z'))).toBe(
      '20260102T030405Z-001f',
    );
  });

  it('validates ids and names the field', () => {
    expect(validateRevisionId('20261203T195200Z-cc3f3ee2')).toBe(
      '20261203T195200Z-cc3f3ee2',
    );
    for (const bad of ['../x', '20261203T195200Z-CC3F', 'latest', '', 7]) {
      expect(() => validateRevisionId(bad)).toThrow(/^revisionId: /);
    }
  });

  it('recognises only revision files of the stem', () => {
    expect(
      parseRevisionFileName('key', 'key-20261203T195200Z-cc3f3ee2.p12'),
    ).toEqual({ revisionId: '20261203T195200Z-cc3f3ee2', suffix: '.p12' });
    expect(
      parseRevisionFileName('key', 'key-20261203T195200Z-cc3f3ee2.sth'),
    ).toEqual({ revisionId: '20261203T195200Z-cc3f3ee2', suffix: '.sth' });
    for (const other of [
      'key.p12',
      'key-live.p12',
      '.key-20261203T195200Z-cc3f3ee2.p12.0a1b.tmp',
      'key-20261203T195200Z-cc3f3ee2.p12.bak',
      'other-20261203T195200Z-cc3f3ee2.p12',
      'key-20261203T195200Z-cc3f3ee2.pem',
    ]) {
      expect(parseRevisionFileName('key', other)).toBeUndefined();
    }
  });

  it('accepts a .p12 or a KDB set, nothing else', () => {
    expect(keyRepositoryFormatOf(['.p12'])).toBe('p12');
    expect(keyRepositoryFormatOf(['.sth', '.p12'])).toBe('p12');
    expect(() => keyRepositoryFormatOf(['.p12', '.rdb'])).toThrow(
      'expected a .p12 file',
    );
    expect(keyRepositoryFormatOf(['.sth', '.kdb', '.rdb', '.crl'])).toBe('kdb');
    expect(keyRepositoryFormatOf(['.kdb', '.sth'])).toBe('kdb');
    expect(() => keyRepositoryFormatOf(['.sth'])).toThrow(
      'expected a .p12 file (and its .sth stash), or a .kdb',
    );
    expect(() => keyRepositoryFormatOf(['.p12', '.kdb'])).toThrow();
    expect(() => keyRepositoryFormatOf(['.kdb', '.kdb'])).toThrow('twice');
    expect(() => keyRepositoryFormatOf([])).toThrow('no files');
  });
});
