/** What the lab may leave behind, read from the kernel: used by end-to-end tests to prove cleanup. */
import { execa } from 'execa';

/** Network namespaces, root-namespace links and processes of lab `id` (prefix `pn<id>-`, state in /run/podnet/<id>). */
export async function labLeftovers(
  id: string,
): Promise<{ netns: string[]; links: string[]; processes: string[] }> {
  const prefix = `pn${id}-`;
  const netns = (await execa('ip', ['netns', 'list'], { reject: false })).stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  const links = (await execa('ip', ['-o', 'link', 'show'], { reject: false })).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  const processes = (await execa('ps', ['-eo', 'pid=,args='], { reject: false })).stdout
    .split('\n')
    .filter((l) => (l.includes(prefix) || l.includes(`/run/podnet/${id}`)) && !/\bps -eo\b/.test(l));
  return { netns, links, processes };
}
