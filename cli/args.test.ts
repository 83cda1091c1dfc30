// Option values: an empty string is bad input naming the option, never taken as "not given".
import { expect, test } from 'vitest';
import { PodnetInputError } from '../spec/errors.ts';
import { parseCommandArgs, stringOption } from './args.ts';

test('-o "" is refused naming the option; a value or no option at all is fine', () => {
  const spec = { output: { type: 'string', short: 'o' } } as const;
  const empty = parseCommandArgs('report', ['-o', ''], spec);
  expect(() => stringOption(empty, 'output')).toThrow(PodnetInputError);
  expect(() => stringOption(empty, 'output')).toThrow(/--output needs a value/);
  expect(stringOption(parseCommandArgs('report', ['-o', 'r.html'], spec), 'output')).toBe('r.html');
  expect(stringOption(parseCommandArgs('report', [], spec), 'output')).toBeUndefined();
});
