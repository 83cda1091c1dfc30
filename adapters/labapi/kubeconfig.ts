/**
 * The kubeconfig `lab up --api` writes: one cluster (the lab API's https URL and its CA, inline), one user
 * (the bearer token, inline), one context, made current. The format is clientcmd's
 * (staging/src/k8s.io/client-go/tools/clientcmd/api/v1/types.go); kubectl and client-node read it as is.
 * Written mode 0600: it holds the token.
 */
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  readonly labId: string;
  readonly url: string;
  readonly caCertPem: string;
  readonly token: string;
}

/** The context name: `podnet-lab-<id>`. */
export function contextName(labId: string): string {
  return `podnet-lab-${labId}`;
}

function renderKubeconfig(input: KubeconfigInput): string {
  const name = contextName(input.labId);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: input.url,
          'certificate-authority-data': Buffer.from(input.caCertPem).toString('base64'),
        },
      },
    ],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * Writes the kubeconfig atomically (a temporary file beside it, renamed over it) and created mode 0600, so
 * the token is never readable by others, not even for a moment.
 */
export async function writeKubeconfig(file: string, input: KubeconfigInput): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, renderKubeconfig(input), { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
