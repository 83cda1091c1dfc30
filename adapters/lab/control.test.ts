import { describe, expect, test } from 'vitest';
import { labExecArgv } from './control.ts';
import type { LabRecord } from './state.ts';

const record: LabRecord = {
  labId: 'ab12',
  createdAt: '2026-11-26T00:00:00.000Z',
  backend: 'vxlan',
  faults: [],
  nodes: [{ name: 'node-1', netns: 'pnab12-n0', ip: '192.168.100.10', lease: '10.244.0.0/24' }],
  pods: [{ key: 'x/a', node: 'node-1', netns: 'pnab12-p0', ip: '10.244.0.2' }],
  services: {},
  outsideNetwork: '192.168.200.0/24',
};

describe('labExecArgv', () => {
  test('a pod runs in its own namespace, node:<name> in its node namespace, arguments kept as given', () => {
    expect(labExecArgv(record, 'x/a', ['ip', 'addr']).slice(-2)).toEqual(['ip', 'addr']);
    expect(labExecArgv(record, 'x/a', ['ip', 'addr']).join(' ')).toContain('pnab12-p0');
    const node = labExecArgv(record, 'node:node-1', ['sh', '-c', 'echo "$x"; rm -rf /']);
    expect(node.join(' ')).toContain('pnab12-n0');
    expect(node.slice(-3)).toEqual(['sh', '-c', 'echo "$x"; rm -rf /']);
  });

  test('an unknown pod or node is bad input that lists what exists', () => {
    expect(() => labExecArgv(record, 'x/zz', ['true'])).toThrow(/no pod "x\/zz"/);
    expect(() => labExecArgv(record, 'node:node-9', ['true'])).toThrow(/no node "node-9"/);
  });
});
