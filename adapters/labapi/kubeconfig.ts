/**
 * The kubeconfig `lab up --api` writes: one cluster (the lab API's https URL and its CA, inline), one user
 * (the bearer token, inline), one context, made current. The format is clientcmd's
 * (staging/src/k8s.io/client-go/tools/clientcmd/api/v1/types.go); kubectl and client-node read it as is.
 * Written mode 0600: it holds the token.
 */
import { chmod, writeFile } from 'node:fs/promises';
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

export function renderKubeconfig(input: KubeconfigInput): string {
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

export async function writeKubeconfig(file: string, input: KubeconfigInput): Promise<void> {
  await writeFile(file, renderKubeconfig(input), { mode: 0o600 });
  await chmod(file, 0o600);
}
