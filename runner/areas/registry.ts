/**
 * The areas of the kit, in the order a run executes them. Everything that lists areas reads this
 * registry: `--areas` and its default, the session's runners, selftest and `podnet lab faults`, and (through
 * results.json, which records each area's title) the report cards and JUnit suites. Adding an area is a
 * folder `areas/<name>/` exporting a descriptor, and one line here (or `register` at run time, as a test).
 */
import type { Area } from '../../spec/results.ts';
import type { AreaDescriptor, AreaRunner, TargetKind } from '../area.ts';
import { flannelArea } from './flannel/index.ts';
import { lbArea } from './lb/index.ts';
import { modelArea } from './model/index.ts';
import { policyArea } from './policy/index.ts';

export class AreaRegistry {
  private readonly list: AreaDescriptor[] = [];

  constructor(descriptors: readonly AreaDescriptor[] = []) {
    for (const d of descriptors) this.register(d);
  }

  /** Adds an area; its name must be new and usable on a command line. */
  register(descriptor: AreaDescriptor): void {
    if (!/^[a-z][a-z0-9-]*$/.test(descriptor.name))
      throw new Error(`area name "${descriptor.name}" must be lower-case letters, digits and dashes`);
    if (this.get(descriptor.name)) throw new Error(`area "${descriptor.name}" is registered twice`);
    this.list.push(descriptor);
  }

  /** Removes an area (a test that registered one). */
  unregister(name: Area): void {
    const i = this.list.findIndex((d) => d.name === name);
    if (i >= 0) this.list.splice(i, 1);
  }

  all(): readonly AreaDescriptor[] {
    return this.list;
  }

  names(): Area[] {
    return this.list.map((d) => d.name);
  }

  get(name: string): AreaDescriptor | undefined {
    return this.list.find((d) => d.name === name);
  }

  /** The areas a run enables when `--areas` is not given. */
  defaults(): Area[] {
    return this.list.filter((d) => d.byDefault).map((d) => d.name);
  }

  /** Area name → title, for results.json (the report's cards and suites read it from there). */
  titles(): Record<Area, string> {
    return Object.fromEntries(this.list.map((d) => [d.name, d.title]));
  }

  /**
   * The runners of every registered area a target of `kind` can run, each once and in registry order
   * (policy and model share one). An area without a runner there is left out (reported unsupported).
   */
  async runners(kind: TargetKind): Promise<AreaRunner[]> {
    const out: AreaRunner[] = [];
    for (const d of this.list) {
      const r = await d.runner(kind);
      if (r && !out.includes(r)) out.push(r);
    }
    return out;
  }
}

/** The registry of this build. */
export const AREAS = new AreaRegistry([policyArea, modelArea, flannelArea, lbArea]);
