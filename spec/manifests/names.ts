/**
 * Name and value formats the API server enforces, as in apimachinery
 * `pkg/util/validation/validation.go` (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label,
 * IsQualifiedName, IsValidLabelValue, IsValidPortName, IsValidPortNum).
 * Each check returns the problems it found (empty when valid), like the Go functions.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME_CHARS = /^[-a-z0-9]+$/;

/** RFC 1123 label: namespace names, container names. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value))
    problems.push(
      "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    );
  return problems;
}

/** RFC 1123 subdomain: pod, node and NetworkPolicy names. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value))
    problems.push(
      "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
  return problems;
}

/** RFC 1035 label: Service names. */
export function dns1035LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value))
    problems.push(
      "must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    );
  return problems;
}

/** A label key or selector key: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const problems: string[] = [];
  if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    name = rest;
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else problems.push(...dns1123SubdomainProblems(prefix).map((p) => `prefix part ${p}`));
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'",
    ];
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > 63) problems.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name))
    problems.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return problems;
}

/** A label value: empty, or ≤ 63 alphanumerics with `-_.` inside. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value))
    problems.push(
      "must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return problems;
}

/** IANA_SVC_NAME (RFC 6335): a named port. */
export function portNameProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length < 1 || value.length > 15) problems.push('must be no more than 15 characters');
  if (!IANA_SVC_NAME_CHARS.test(value))
    problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (value.includes('--')) problems.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(value)) problems.push('must contain at least one letter (a-z)');
  if (value.startsWith('-') || value.endsWith('-')) problems.push('must not begin or end with a hyphen');
  return problems;
}

/** A port number: an integer in 1..65535. */
export function portNumberProblems(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535
    ? []
    : ['must be between 1 and 65535, inclusive'];
}
