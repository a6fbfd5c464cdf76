import { encodeGskitStash } from './stash';

/** Decodes like the published unstash tools: XOR 0xF5 up to the terminator. */
function decode(stash: Buffer): string {
  const bytes: number[] = [];
  for (const b of stash) {
    if ((b ^ 0xf5) === 0) break;
    bytes.push(b ^ 0xf5);
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('encodeGskitStash', () => {
  it('writes 1024 bytes that decode to the password', () => {
    const stash = encodeGskitStash('Pa55w0rd!x');
    expect(stash).toHaveLength(1024);
    expect(stash[0]).toBe('P'.charCodeAt(0) ^ 0xf5);
    expect(decode(stash)).toBe('Pa55w0rd!x');
    expect(stash.includes(Buffer.from('Pa55w0rd!x'))).toBe(false);
  });

  it('refuses passwords a stash cannot hold', () => {
    expect(() => encodeGskitStash('')).toThrow('1 to 1023 bytes');
    expect(() => encodeGskitStash('x'.repeat(1024))).toThrow('1 to 1023');
    expect(() => encodeGskitStash('a\0b')).toThrow('NUL');
  });
});
