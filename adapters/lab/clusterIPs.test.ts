// `lab up -f` checks the ClusterIPs its manifests chose before any lab exists (no namespace, no /run/netns).
import { expect, test } from 'vitest';
import { loadManifestsFromText } from '../../spec/manifests/load.ts';
import { checkManifestClusterIPs } from './labTarget.ts';

const service = (name: string, ip: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: x}\nspec:\n  clusterIP: ${JSON.stringify(ip)}\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n`;

test('an IPv6, out-of-range or duplicate ClusterIP is refused naming the Service; in-range ones pass', () => {
  const cluster = (text: string) =>
    loadManifestsFromText(`apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n${text}`, 'm.yaml')
      .cluster;
  expect(() => checkManifestClusterIPs(cluster(service('web', 'fd00::10')))).toThrow(/IPv4 only/);
  expect(() => checkManifestClusterIPs(cluster(service('web', '10.0.0.1')))).toThrow(
    /not in the lab's Service range/,
  );
  expect(() =>
    checkManifestClusterIPs(cluster(service('a', '10.96.0.20') + service('b', '10.96.0.20'))),
  ).toThrow(/already allocated/);
  expect(() =>
    checkManifestClusterIPs(cluster(service('a', '10.96.0.20') + service('b', '10.96.0.21'))),
  ).not.toThrow();
});
