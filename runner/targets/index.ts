/**
 * The targets a run can open, as data: each entry says how to open it, what it can do, and how a person
 * re-runs one probe on it by hand. The CLI (`run`, `selftest`, `replay`) and the areas read this list;
 * nothing else compares target names. A target's own modules are loaded only when it is opened.
 */
import type { FaultName } from '../../adapters/lab/faults.ts';
import { createLabTarget } from '../../adapters/lab/labTarget.ts';
import type { IPFamilyMode } from '../../spec/ipFamily.ts';
import type { ObjectKey } from '../../spec/model.ts';
import type { Target } from '../../spec/target.ts';
import type { TargetKind } from '../area.ts';
import { POLICY_AREA_NODES } from '../areas/policy/conformanceRunner.ts';

/** Everything a command may pass to open a target; each entry reads what it needs. */
export interface TargetSettings {
  /** Lab faults to inject (targets with `labFaults`). */
  readonly faults: readonly FaultName[];
  /** A fixed lab id (tests and scripts find exactly this lab's leftovers). */
  readonly labId?: string;
  readonly policyMode?: 'enforce' | 'none';
  /** The lab's address families (`--ip-family`; default IPv4 only). */
  readonly ipFamily?: IPFamilyMode;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly image?: string;
  readonly nodeSelector?: readonly string[];
  readonly keep?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One probe as a person would re-run it. */
export interface ManualProbe {
  readonly from: ObjectKey;
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
}

export interface TargetEntry {
  /** The `--target` value. */
  readonly name: string;
  /** The name results.json records (kube-lab records `kube`: the kube adapter ran). */
  readonly recordAs: string;
  /** Which area runners drive it. */
  readonly kind: TargetKind;
  readonly description: string;
  readonly capabilities: {
    /** `podnet run --target` accepts it. */
    readonly run: boolean;
    /** `podnet selftest --target` accepts it. */
    readonly selftest: boolean;
    /** It takes `--lab-fault` (the lab's fault catalogue). */
    readonly labFaults: boolean;
    /** `podnet replay` can re-run a finding of a results file from it. */
    readonly replay: boolean;
    /** Policies program asynchronously: the convergence wait when the user gives none. */
    readonly convergeTimeoutMs?: number;
  };
  open(settings: TargetSettings): Promise<Target>;
  /** A command that re-runs one probe by hand; `target` maps scenario names to the real ones. */
  probeCommand(probe: ManualProbe, target?: Target): string;
}

/** A live cluster programs policies asynchronously: the convergence bound it gets by default. */
const KUBE_CONVERGE_TIMEOUT_MS = 10_000;

const labProbeCommand = (p: ManualProbe): string => {
  const proto = p.protocol === 'UDP' ? 'UDP' : 'TCP';
  return `npx podnet lab exec ${p.from} -- socat -T1 - ${proto}:${p.host}:${p.port},connect-timeout=1 <<< probe`;
};

const kubeProbeCommand = (p: ManualProbe, target?: Target): string => {
  const [ns = '', pod = ''] = p.from.split('/');
  const real = target?.realNamespace?.(ns) ?? ns;
  return `kubectl exec -n ${real} ${pod} -- /agnhost connect ${p.host}:${p.port} --timeout=1s --protocol=${p.protocol.toLowerCase()}`;
};

const LAB_TARGET: TargetEntry = {
  name: 'lab',
  recordAs: 'lab',
  kind: 'lab',
  description: 'the embedded lab of Linux network namespaces (default)',
  capabilities: { run: true, selftest: true, labFaults: true, replay: true },
  open: async (s) =>
    createLabTarget({
      nodes: POLICY_AREA_NODES,
      faults: s.faults,
      signalHandlers: false,
      ...(s.policyMode ? { policyMode: s.policyMode } : {}),
      ...(s.labId ? { labId: s.labId } : {}),
      ...(s.ipFamily ? { ipFamily: s.ipFamily } : {}),
    }),
  probeCommand: labProbeCommand,
};

export const KUBE_TARGET: TargetEntry = {
  name: 'kube',
  recordAs: 'kube',
  kind: 'kube',
  description: 'a live cluster through its API and kubectl exec (--kubeconfig, --context)',
  capabilities: {
    run: true,
    selftest: false,
    labFaults: false,
    replay: false,
    convergeTimeoutMs: KUBE_CONVERGE_TIMEOUT_MS,
  },
  async open(s) {
    const { openKube } = await import('./kube.ts');
    return openKube({
      ...(s.kubeconfig !== undefined ? { kubeconfig: s.kubeconfig } : {}),
      ...(s.context !== undefined ? { context: s.context } : {}),
      ...(s.image !== undefined ? { image: s.image } : {}),
      ...(s.env ? { env: s.env } : {}),
      nodeSelector: s.nodeSelector ?? [],
      keep: s.keep ?? false,
    })();
  },
  probeCommand: kubeProbeCommand,
};

const KUBE_LAB_TARGET: TargetEntry = {
  name: 'kube-lab',
  recordAs: 'kube',
  kind: 'kube',
  description: 'the kube adapter against a lab behind its own Kubernetes API (selftest only)',
  capabilities: { run: false, selftest: true, labFaults: true, replay: false },
  async open(s) {
    const { openKubeLab } = await import('./kubeLab.ts');
    return openKubeLab(s.faults, {
      ...(s.env ? { env: s.env } : {}),
      ...(s.labId !== undefined ? { labId: s.labId } : {}),
    });
  },
  probeCommand: kubeProbeCommand,
};

/** The targets of this build. */
const TARGETS: readonly TargetEntry[] = [LAB_TARGET, KUBE_TARGET, KUBE_LAB_TARGET];

export function targetNamed(name: string): TargetEntry | undefined {
  return TARGETS.find((t) => t.name === name);
}

/** The entry a results document's `target` names (its `recordAs`). */
export function targetRecordedAs(name: string): TargetEntry | undefined {
  return TARGETS.find((t) => t.recordAs === name);
}

/** `--target` values a command accepts, for help and errors. */
export function targetNames(which: 'run' | 'selftest' | 'replay'): string[] {
  return TARGETS.filter((t) => t.capabilities[which]).map((t) => t.name);
}

/** The by-hand command for one probe of an area run (`ctx.targetName` is what results.json records). */
export function manualProbeCommand(
  ctx: { readonly targetName: string; readonly target?: Target },
  probe: ManualProbe,
): string {
  return targetRecordedAs(ctx.targetName)?.probeCommand(probe, ctx.target) ?? '';
}
