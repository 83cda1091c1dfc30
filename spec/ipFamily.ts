/** The address families of a pod network: `--ip-family` of `podnet run` and `podnet lab up`. */
import type { IPFamily } from './ipNum.ts';
import type { Service, ServiceIPFamily } from './model.ts';

/** IPv4 only, IPv6 only, or dual-stack (IPv4 primary, as `podIPs` lists it). */
export const IP_FAMILY_MODES = ['ipv4', 'ipv6', 'dual'] as const;
export type IPFamilyMode = (typeof IP_FAMILY_MODES)[number];

/** The family of an address or CIDR as a target or a manifest writes it (IPv6 text always holds a colon). */
export function addressFamily(text: string): IPFamily {
  return text.includes(':') ? 6 : 4;
}

/** The families pods get under `mode`, primary first (Capabilities.ipFamilies). */
export function ipFamiliesOf(mode: IPFamilyMode): IPFamily[] {
  return mode === 'ipv4' ? [4] : mode === 'ipv6' ? [6] : [4, 6];
}

/** `IPv4`/`IPv6`, as a Service's ipFamilies names a family. */
export function familyName(family: IPFamily): ServiceIPFamily {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** A reason the API refuses a Service's family fields on a cluster (a field.Invalid of alloc.go). */
export interface ServiceFamilyProblem {
  readonly field: 'ipFamilyPolicy' | 'ipFamilies';
  readonly index?: number;
  readonly value: string;
  readonly message: string;
}

/**
 * The ClusterIP families a (non-headless) Service gets on a cluster whose Service ranges have the families
 * `clusterFamilies` (primary first), primary first; or why the API refuses it. Follows initIPFamilyFields in
 * kubernetes `pkg/registry/core/service/storage/alloc.go`: SingleStack with two families, RequireDualStack on a
 * single-stack cluster and a family the cluster lacks are refused; no families gets the cluster's primary one;
 * a policy other than SingleStack with one family gets the other family appended when the cluster has both.
 */
export function serviceFamiliesOn(
  service: Pick<Service, 'ipFamilyPolicy' | 'ipFamilies'>,
  clusterFamilies: readonly IPFamily[],
): { readonly families: readonly IPFamily[] } | { readonly problems: readonly ServiceFamilyProblem[] } {
  const policy = service.ipFamilyPolicy ?? 'SingleStack';
  const asked = (service.ipFamilies ?? []).map((f) => (f === 'IPv4' ? 4 : 6) as IPFamily);
  const problems: ServiceFamilyProblem[] = [];
  if (policy === 'SingleStack' && asked.length === 2)
    problems.push({
      field: 'ipFamilyPolicy',
      value: policy,
      message: "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    });
  // alloc.go returns these first checks on their own, before looking at the cluster's families.
  if (problems.length > 0) return { problems };
  if (policy === 'RequireDualStack' && clusterFamilies.length < 2)
    problems.push({
      field: 'ipFamilyPolicy',
      value: policy,
      message: 'this cluster is not configured for dual-stack services',
    });
  asked.forEach((f, index) => {
    if (!clusterFamilies.includes(f))
      problems.push({
        field: 'ipFamilies',
        index,
        value: familyName(f),
        message: 'not configured on this cluster',
      });
  });
  if (problems.length > 0) return { problems };
  const primary = clusterFamilies[0] ?? 4;
  const families = asked.length > 0 ? asked : [primary];
  if (policy !== 'SingleStack' && families.length === 1 && clusterFamilies.length === 2)
    return { families: [families[0] as IPFamily, families[0] === 4 ? 6 : 4] };
  return { families };
}

/**
 * What ValidateService says of ipFamilies alone (kubernetes `pkg/apis/core/validation/validation.go`
 * validateIPFamilies): at most two families, none twice. Each as [field path, message].
 */
export function serviceFamilyFieldProblems(
  families: readonly ServiceIPFamily[],
): [readonly (string | number)[], string][] {
  const out: [readonly (string | number)[], string][] = [];
  if (families.length > 2) out.push([['spec', 'ipFamilies'], 'may specify no more than 2 items']);
  families.forEach((f, i) => {
    if (families.indexOf(f) !== i) out.push([['spec', 'ipFamilies', i], `Duplicate value: "${f}"`]);
  });
  return out;
}
