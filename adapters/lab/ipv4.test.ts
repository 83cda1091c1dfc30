import { describe, expect, test } from 'vitest';
import { macOfIPv4 } from './ipv4.ts';

describe('macOfIPv4', () => {
  test('is 0a:58 followed by the address bytes in hex', () => {
    expect(macOfIPv4('10.244.0.1')).toBe('0a:58:0a:f4:00:01');
    expect(macOfIPv4('10.244.255.129')).toBe('0a:58:0a:f4:ff:81');
  });
});
