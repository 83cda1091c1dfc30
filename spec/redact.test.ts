import { expect, test } from 'vitest';
import { redactSecrets, redactUrlCredentials } from './redact.ts';

test('user:password in a URL is removed wherever it stands in a text', () => {
  expect(redactUrlCredentials('https://admin:hunter2@10.0.0.1:6443')).toBe('https://***@10.0.0.1:6443');
  expect(redactUrlCredentials('cannot reach https://tok@api.example.com/api: refused')).toBe(
    'cannot reach https://***@api.example.com/api: refused',
  );
  expect(redactUrlCredentials('https://10.0.0.1:6443/api?x=a@b')).toBe('https://10.0.0.1:6443/api?x=a@b');
  expect(redactUrlCredentials('mail me at a@b.c')).toBe('mail me at a@b.c');
});

test('known secrets are blotted out, longest first', () => {
  expect(redactSecrets('token abcdef and abcdefgh', ['abcdef', 'abcdefgh', 'ab'])).toBe(
    'token [redacted] and [redacted]',
  );
});
