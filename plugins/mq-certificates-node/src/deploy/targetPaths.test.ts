import {
  isInsideFolder,
  joinTargetPath,
  splitRelativePath,
  validateRelativePath,
  validateRootFolder,
} from './targetPaths';

describe('target paths', () => {
  it('accepts plain relative paths', () => {
    expect(validateRelativePath('qm1/ssl/key-1.p12', 'p')).toBe(
      'qm1/ssl/key-1.p12',
    );
  });

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'is absolute'],
    ['C:/x', 'is absolute'],
    ['qm1/../../etc', "contains '..'"],
    ['..', "contains '..'"],
    ['qm1//key', "contains empty or '.' segments"],
    ['./key', "contains empty or '.' segments"],
    ['qm1\\..\\key', 'may only contain'],
    ['key;rm', 'may only contain'],
  ])('refuses %j (%s)', (value, problem) => {
    expect(() => validateRelativePath(value, 'relativePath')).toThrow(
      `relativePath: '${value}' ${problem}`,
    );
  });

  it('validates roots', () => {
    expect(validateRootFolder('/var/mqm/', 'root')).toBe('/var/mqm');
    expect(validateRootFolder('/', 'root')).toBe('/');
    for (const bad of ['var/mqm', '/var/../etc', '/a\nb', '']) {
      expect(() => validateRootFolder(bad, 'x.root')).toThrow(/^x\.root: /);
    }
  });

  it('joins, splits and checks containment', () => {
    expect(joinTargetPath('/srv', 'a/b')).toBe('/srv/a/b');
    expect(joinTargetPath('/', 'a')).toBe('/a');
    expect(splitRelativePath('a/b/key')).toEqual({ dir: 'a/b', base: 'key' });
    expect(splitRelativePath('key')).toEqual({ dir: '', base: 'key' });
    expect(isInsideFolder('/srv/mq', '/srv/mq')).toBe(true);
    expect(isInsideFolder('/srv/mq', '/srv/mq/x')).toBe(true);
    expect(isInsideFolder('/srv/mq', '/srv/mq2/x')).toBe(false);
    expect(isInsideFolder('/', '/x')).toBe(true);
  });
});
