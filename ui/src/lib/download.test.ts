import { describe, expect, it } from 'vitest';
import { base64ToBytes } from './download';

describe('base64ToBytes', () => {
  it('decodes every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = btoa(String.fromCharCode(...all));
    expect([...base64ToBytes(text)]).toEqual([...all]);
  });

  it('decodes the start of a PDF, with or without padding and line breaks', () => {
    const pdf = '%PDF-1.7\n%';
    const encoded = btoa(pdf);
    expect(encoded.endsWith('=')).toBe(true);
    for (const text of [encoded, encoded.replace(/=+$/, ''), `${encoded.slice(0, 4)}\r\n${encoded.slice(4)}`]) {
      expect(new TextDecoder().decode(base64ToBytes(text))).toBe(pdf);
    }
  });

  it('gives nothing for an empty text', () => {
    expect(base64ToBytes('')).toHaveLength(0);
  });

  it.each(['%%%%', 'abc-', 'a', 'ab=c'])('refuses %j', (text) => {
    expect(() => base64ToBytes(text)).toThrow('not base64');
  });
});
