import { normalizeSerialNumber, serialNumbersEqual } from './serial';

describe('normalizeSerialNumber', () => {
  const canonical = 'cc:3f:3e:e2:6d:9a:57:4e';
  it.each([
    'cc:3f:3e:e2:6d:9a:57:4e',
    'CC:3F:3E:E2:6D:9A:57:4E',
    'cc-3f-3e-e2-6d-9a-57-4e',
    'CC-3F-3E-E2-6D-9A-57-4E',
    'cc3f3ee26d9a574e',
    'CC3F3EE26D9A574E',
    '00CC3F3EE26D9A574E',
    '00:cc:3f:3e:e2:6d:9a:57:4e',
    ' 0xCC3F3EE26D9A574E ',
  ])('%j → canonical', s => {
    expect(normalizeSerialNumber(s)).toBe(canonical);
  });

  it('keeps a 20-byte serial whole', () => {
    const bare = '7a'.repeat(20);
    expect(normalizeSerialNumber(bare)).toBe(Array(20).fill('7a').join(':'));
    expect(
      normalizeSerialNumber(bare.toUpperCase().match(/../g)!.join('-')),
    ).toBe(Array(20).fill('7a').join(':'));
  });

  it('pads odd-length bare hex and single-digit groups', () => {
    expect(normalizeSerialNumber('abc')).toBe('0a:bc');
    expect(normalizeSerialNumber('a:bc')).toBe('0a:bc');
    expect(normalizeSerialNumber('0')).toBe('00');
  });

  it.each(['', 'xyz', '12:345', '12::34'])('rejects %j', s => {
    expect(() => normalizeSerialNumber(s, 'serial_number')).toThrow(
      /^serial_number: /,
    );
  });

  it('compares serials across forms', () => {
    expect(serialNumbersEqual('00CC3F3EE26D9A574E', canonical)).toBe(true);
    expect(serialNumbersEqual('cc3f', canonical)).toBe(false);
    expect(serialNumbersEqual('zz', 'zz')).toBe(false);
  });
});
