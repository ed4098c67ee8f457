// Service traffic stays on the kind node. A connection to a ClusterIP that kube-proxy has not translated
// (a Service just made, a proxy still syncing after the node started) otherwise leaves through the node's
// default route, to whatever answers for that address beyond the machine. Seen on 2026-12-06: the API
// server's connection to metrics-server's ClusterIP was answered 404 by a host outside the cluster
// (`Server: keryx`). Rejected on the node instead, the caller gets a refusal and tries again.
//
// An nftables table of our own, not an iptables rule: kube-proxy and kube-router put their iptables chains
// first and accept what passes their policies, while a base chain of another table sees every packet
// (after kube-proxy's translation, so translated Service traffic is untouched).
import type { Progress } from './addons.ts';
import { exec, execOrThrow } from './exec.ts';
import { serviceRange } from './network-policy.ts';

const table = 'shopstack_service_egress';

/**
 * The table, whole: from the node itself (output) and from its pods (forward), out of its uplink. A TCP
 * connection is refused with a reset: the kernel rate-limits the ICMP error that a plain `reject` sends
 * (`net.ipv4.icmp_ratelimit`, a few per second to one address), so of 40 connections a pod opened at
 * once, 7 were refused and 33 timed out (measured on kind, 2026-12-07).
 */
export function serviceEgressTable(range: string = serviceRange): string {
  const match = `ip daddr ${range} oifname "eth0"`;
  const chain = (hook: string) =>
    `  chain ${hook} {\n    type filter hook ${hook} priority filter; policy accept;\n` +
    `    ${match} meta l4proto tcp counter reject with tcp reset\n` +
    `    ${match} counter reject\n  }\n`;
  return `table inet ${table} {\n${chain('output')}${chain('forward')}}\n`;
}

/**
 * Puts the table on the node, replacing an older one in one transaction (a node restart drops it, so this
 * runs at every bring-up).
 */
export async function keepServiceTrafficOnNode(nodeId: string, progress: Progress): Promise<void> {
  const found = await exec('docker', ['exec', nodeId, 'nft', 'list', 'table', 'inet', table]);
  if (found.code !== 0)
    progress(`node: untranslated traffic to Service IPs (${serviceRange}) is refused, not sent off the node`);
  // declaring the table first makes the delete valid when there is none
  const input = `table inet ${table}\ndelete table inet ${table}\n${serviceEgressTable()}`;
  await execOrThrow('the node table for Service IPs', 'docker', ['exec', '-i', nodeId, 'nft', '-f', '-'], { input });
}
