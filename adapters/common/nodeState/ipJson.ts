/** Reading `ip -j` / `bridge -j` output: a JSON array of objects (empty output means no entries). */
import { PodnetTargetError } from '../../../spec/errors.ts';

export type IpJsonObject = Readonly<Record<string, unknown>>;

/** The array of objects in `text`; a target error naming the node and command when it is not one. */
export function ipJsonArray(text: string, node: string, command: string): IpJsonObject[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new PodnetTargetError(
      'PODNET_NODE_STATE_UNREADABLE',
      `node "${node}": \`${command}\` did not print JSON (${error instanceof Error ? error.message : String(error)})`,
      'iproute2 ≥ 4.13 is needed for -j; check `ip -V` on the node',
    );
  }
  if (!Array.isArray(value)) {
    throw new PodnetTargetError(
      'PODNET_NODE_STATE_UNREADABLE',
      `node "${node}": \`${command}\` printed JSON that is not an array`,
    );
  }
  return value.filter((v): v is IpJsonObject => typeof v === 'object' && v !== null && !Array.isArray(v));
}

export function str(o: IpJsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(o: IpJsonObject, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' ? v : undefined;
}

/** A flags or state field: iproute2 prints arrays (`["onlink"]`, `["PERMANENT"]`) or a bare string. */
export function words(o: IpJsonObject, key: string): string[] {
  const v = o[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [];
}

export function obj(o: IpJsonObject, key: string): IpJsonObject | undefined {
  const v = o[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as IpJsonObject) : undefined;
}
