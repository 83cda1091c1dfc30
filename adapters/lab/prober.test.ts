import { expect, test } from 'vitest';
import { parseReply } from './prober.ts';

test('agent replies `<ns>/<pod> <source>` parse into servedBy and sourceSeen', () => {
  expect(parseReply('web/b 10.244.0.2\n')).toEqual({ servedBy: 'web/b', sourceSeen: '10.244.0.2' });
  expect(parseReply('garbage')).toEqual({});
});
