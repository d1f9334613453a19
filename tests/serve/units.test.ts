import { describe, expect, it } from 'vitest';
import { bearerCheck } from '../../src/serve/auth.js';
import { isLoopback } from '../../src/serve/loopback.js';
import { fieldPath } from '../../src/serve/validation.js';

describe('isLoopback', () => {
  it('knows the loopback spellings and nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'example.com', 'localhost.example.com', '']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('bearerCheck', () => {
  it('accepts exactly the token, in a Bearer header', () => {
    const ok = bearerCheck('s3cret-token-of-some-length');
    expect(ok('Bearer s3cret-token-of-some-length')).toBe(true);
    expect(ok('bearer s3cret-token-of-some-length')).toBe(true);
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 's3cret-token-of-some-length', 'Bearer s3cret-token-of-some-lengtH', 'Bearer s3cret-token-of-some-length2', 'Basic s3cret-token-of-some-length', 'Bearer s3cret-token-of-some-length x']) {
      expect(ok(h), String(h)).toBe(false);
    }
  });
});

describe('fieldPath', () => {
  it('writes JSON pointers as the paths a caller types', () => {
    expect(fieldPath('', '/customers/3/features/frequency')).toBe('customers[3].features.frequency');
    expect(fieldPath('body', '/features/a~1b')).toBe('body.features.a/b');
    expect(fieldPath('body', '')).toBe('body');
    expect(fieldPath('', '')).toBe('body');
    expect(fieldPath('querystring', '/as_of')).toBe('querystring.as_of');
  });
});
