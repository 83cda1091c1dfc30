/**
 * Credentials never reach a terminal, a log or a report: URLs with `user:password@` lose the user part,
 * and known secret strings (a kubeconfig's tokens and keys) are blotted out of any text.
 */

/** `https://user:secret@host:6443/x` → `https://***@host:6443/x`, anywhere in `text`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

/** `text` with every occurrence of each secret (4 characters or more) replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('[redacted]');
  }
  return redactUrlCredentials(out);
}
