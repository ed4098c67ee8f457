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

/** The table, whole: from the node itself (output) and from its pods (forward), out of its uplink. */
export function serviceEgressTable(range: string = serviceRange): string {
  const chain = (hook: string) =>
    `  chain ${hook} {\n    type filter hook ${hook} priority filter; policy accept;\n` +
    `    ip daddr ${range} oifname "eth0" counter reject\n  }\n`;
  return `table inet ${table} {\n${chain('output')}${chain('forward')}}\n`;
}

/** Adds the table where the node lacks it (it goes with a node restart: this runs at every bring-up). */
export async function keepServiceTrafficOnNode(nodeId: string, progress: Progress): Promise<void> {
  const found = await exec('docker', ['exec', nodeId, 'nft', 'list', 'table', 'inet', table]);
  if (found.code === 0) return;
  progress(`node: untranslated traffic to Service IPs (${serviceRange}) is refused, not sent off the node`);
  await execOrThrow('the node table for Service IPs', 'docker', ['exec', '-i', nodeId, 'nft', '-f', '-'], {
    input: serviceEgressTable(),
  });
}
