import { describe, expect, test } from 'vitest';
import { formatNumber, formatPercent } from './formatNumber.ts';

describe('formatNumber', () => {
  test('three significant digits, an exponent when tiny', () => {
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(0.000012)).toBe('1.2e-5');
    expect(formatNumber(0)).toBe('0');
  });

  test('an infinite statistic reads ∞, also after a JSON round trip turned it into null', () => {
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    const back = JSON.parse(JSON.stringify({ s: Number.POSITIVE_INFINITY })) as { s: number | null };
    expect(formatNumber(back.s)).toBe('∞');
  });

  test('percentages with one decimal', () => {
    expect(formatPercent(1 / 3)).toBe('33.3%');
  });
});
