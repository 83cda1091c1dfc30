/**
 * `--api-faults LIST`: faults of the API server itself (not of the network), so a client's retries and its
 * inconclusive / exit-3 paths can be tested against them. LIST is comma-separated `NAME=AMOUNT[:PARAM]`:
 *
 * | NAME          | what a hit does                                                                  | PARAM (default)         |
 * | ------------- | -------------------------------------------------------------------------------- | ----------------------- |
 * | `throttle`    | the request is answered 429 TooManyRequests with `Retry-After` (APF's answer)     | Retry-After seconds (1) |
 * | `error`       | the request is answered 500 InternalError                                        | –                       |
 * | `slow`        | the answer is held back                                                          | delay, e.g. `2s` (2s)   |
 * | `watch-drop`  | a watch's connection is cut (no clean end) after a while                         | after, e.g. `1s` (1s)   |
 * | `exec-cut`    | an exec stream's connection is cut mid-way (no status, no close)                  | `64b` bytes or `500ms`  |
 * | `never-ready` | a new pod's readiness never passes (its containers run, it stays not Ready)      | –                       |
 * | `seed`        | seeds the random choices (default: the lab id)                                   | –                       |
 *
 * AMOUNT is a rate (`5%`: each eligible request, watch, exec or pod independently, from a seeded PRNG) or a
 * count (`3`: the first 3 eligible ones). Requests eligible for throttle/error/slow are resource requests
 * (`/api/v1/…`, `/apis/<group>/<version>/…`, not discovery, `/version` or OpenAPI), exec upgrades included.
 */
import { PodnetInputError } from '../../spec/errors.ts';
import { mulberry32 } from '../../spec/random.ts';
import { type ApiError, internalError, tooManyRequests } from './apiErrors.ts';
import type { RequestFaults } from './server.ts';

export type ApiFaultName = 'throttle' | 'error' | 'slow' | 'watch-drop' | 'exec-cut' | 'never-ready';

const API_FAULT_NAMES: readonly ApiFaultName[] = [
  'throttle',
  'error',
  'slow',
  'watch-drop',
  'exec-cut',
  'never-ready',
];

export interface ApiFaultSpec {
  readonly name: ApiFaultName;
  /** Probability in (0, 1], or undefined when a count is given. */
  readonly rate?: number;
  readonly count?: number;
  /** throttle: Retry-After seconds; slow / watch-drop / exec-cut(ms): milliseconds; exec-cut(bytes): bytes. */
  readonly param?: number;
  /** exec-cut only: whether param counts bytes (else milliseconds). */
  readonly paramIsBytes?: boolean;
}

export interface ApiFaultPlan {
  readonly faults: readonly ApiFaultSpec[];
  readonly seed?: number;
}

function bad(item: string, why: string): PodnetInputError {
  return new PodnetInputError(
    'PODNET_BAD_API_FAULT',
    `--api-faults item "${item}": ${why}`,
    { field: '--api-faults' },
    `write NAME=AMOUNT[:PARAM] items, e.g. throttle=5%:1,slow=2:3s,never-ready=1 (names: ${API_FAULT_NAMES.join(', ')}, seed)`,
  );
}

function duration(item: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!m) throw bad(item, `"${text}" is not a duration (e.g. 500ms or 2s)`);
  return m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
}

/** Parses the `--api-faults` value (PodnetInputError, exit 2, on anything malformed). */
export function parseApiFaults(text: string | undefined): ApiFaultPlan {
  if (text === undefined || text.trim() === '') return { faults: [] };
  const faults: ApiFaultSpec[] = [];
  let seed: number | undefined;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^([a-z-]+)=([^:]+)(?::(.+))?$/.exec(item);
    if (!m) throw bad(item, 'expected NAME=AMOUNT[:PARAM]');
    const [, name, amount, param] = m as unknown as [string, string, string, string | undefined];
    if (name === 'seed') {
      if (!/^\d+$/.test(amount) || param !== undefined)
        throw bad(item, 'seed must be a non-negative integer');
      seed = Number(amount);
      continue;
    }
    if (!(API_FAULT_NAMES as readonly string[]).includes(name)) throw bad(item, `unknown fault "${name}"`);
    let rate: number | undefined;
    let count: number | undefined;
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(amount);
    if (pct) {
      rate = Number(pct[1]) / 100;
      if (rate <= 0 || rate > 1) throw bad(item, 'a rate must be in (0%, 100%]');
    } else if (/^\d+$/.test(amount) && Number(amount) > 0) count = Number(amount);
    else throw bad(item, `"${amount}" is neither a rate (5%) nor a positive count (3)`);
    const spec: { -readonly [K in keyof ApiFaultSpec]: ApiFaultSpec[K] } = {
      name: name as ApiFaultName,
      ...(rate !== undefined ? { rate } : {}),
      ...(count !== undefined ? { count } : {}),
    };
    if (param !== undefined) {
      switch (name) {
        case 'throttle':
          if (!/^\d+$/.test(param)) throw bad(item, 'the Retry-After must be whole seconds');
          spec.param = Number(param);
          break;
        case 'slow':
        case 'watch-drop':
          spec.param = duration(item, param);
          break;
        case 'exec-cut': {
          const b = /^(\d+)b$/.exec(param);
          if (b) {
            spec.param = Number(b[1]);
            spec.paramIsBytes = true;
          } else spec.param = duration(item, param);
          break;
        }
        default:
          throw bad(item, `${name} takes no parameter`);
      }
    }
    faults.push(spec);
  }
  return { faults, ...(seed !== undefined ? { seed } : {}) };
}

/** The text form of a plan (for the daemon's command line and `lab status`). */
export function formatApiFaults(plan: ApiFaultPlan): string {
  const items = plan.faults.map((f) => {
    const amount = f.rate !== undefined ? `${Math.round(f.rate * 10000) / 100}%` : String(f.count);
    const param =
      f.param === undefined
        ? ''
        : f.name === 'throttle'
          ? `:${f.param}`
          : f.paramIsBytes
            ? `:${f.param}b`
            : `:${f.param}ms`;
    return `${f.name}=${amount}${param}`;
  });
  if (plan.seed !== undefined) items.push(`seed=${plan.seed}`);
  return items.join(',');
}

/** What happened, for the daemon's log and `lab status`. */
export type FaultCounts = Record<ApiFaultName, number>;

/** Seeded decisions for one running API. */
export class ApiFaults implements RequestFaults {
  private readonly random: () => number;
  private readonly used = new Map<ApiFaultName, number>();
  private readonly seen = new Map<ApiFaultName, number>();
  readonly hits: FaultCounts = {
    throttle: 0,
    error: 0,
    slow: 0,
    'watch-drop': 0,
    'exec-cut': 0,
    'never-ready': 0,
  };
  private readonly neverReadyPods = new Map<string, boolean>();

  constructor(
    readonly plan: ApiFaultPlan,
    defaultSeed: number,
    private readonly log?: (line: string) => void,
  ) {
    this.random = mulberry32(plan.seed ?? defaultSeed);
  }

  private spec(name: ApiFaultName): ApiFaultSpec | undefined {
    return this.plan.faults.find((f) => f.name === name);
  }

  /** Whether the next eligible event of this kind is hit. */
  private hit(name: ApiFaultName): ApiFaultSpec | undefined {
    const spec = this.spec(name);
    if (!spec) return undefined;
    const n = (this.seen.get(name) ?? 0) + 1;
    this.seen.set(name, n);
    let yes: boolean;
    if (spec.rate !== undefined) yes = this.random() < spec.rate;
    else yes = (this.used.get(name) ?? 0) < (spec.count ?? 0);
    if (!yes) return undefined;
    this.used.set(name, (this.used.get(name) ?? 0) + 1);
    this.hits[name]++;
    return spec;
  }

  async beforeRequest(info: { method: string; path: string; watch: boolean }): Promise<ApiError | undefined> {
    if (!/^\/(api\/v1|apis\/[^/]+\/[^/]+)\/./.test(info.path)) return undefined;
    const slow = this.hit('slow');
    if (slow) {
      this.log?.(`api-fault slow ${slow.param ?? 2000}ms: ${info.method} ${info.path}`);
      await new Promise((r) => setTimeout(r, slow.param ?? 2000));
    }
    const throttle = this.hit('throttle');
    if (throttle) {
      this.log?.(`api-fault throttle: ${info.method} ${info.path}`);
      return tooManyRequests('Too many requests, please try again later.', throttle.param ?? 1);
    }
    if (this.hit('error')) {
      this.log?.(`api-fault error: ${info.method} ${info.path}`);
      return internalError('injected by --api-faults');
    }
    return undefined;
  }

  watchDropAfterMs(): number | undefined {
    const spec = this.hit('watch-drop');
    if (!spec) return undefined;
    this.log?.(`api-fault watch-drop after ${spec.param ?? 1000}ms`);
    return spec.param ?? 1000;
  }

  /** The exec stream fault for the next exec, if it is hit. */
  execCut(): { afterBytes?: number; afterMs?: number } | undefined {
    const spec = this.hit('exec-cut');
    if (!spec) return undefined;
    const cut =
      spec.param === undefined
        ? { afterBytes: 64 }
        : spec.paramIsBytes
          ? { afterBytes: spec.param }
          : { afterMs: spec.param };
    this.log?.(`api-fault exec-cut ${JSON.stringify(cut)}`);
    return cut;
  }

  /** Whether a pod never becomes Ready (decided once per pod uid, when first asked). */
  neverReady(podUid: string): boolean {
    let v = this.neverReadyPods.get(podUid);
    if (v === undefined) {
      v = this.hit('never-ready') !== undefined;
      this.neverReadyPods.set(podUid, v);
      if (v) this.log?.(`api-fault never-ready: pod ${podUid}`);
    }
    return v;
  }
}
