/* Stands in for kind's kindnetd image, which cannot be built here: its module's dependency
 * sigs.k8s.io/kube-network-policies is not served by the Go module proxy. `kind build node-image` insists on
 * an image under kindnetd's name; this one says why it is not kindnetd and exits. Nodes built by
 * build-kind-node.sh carry a bridge CNI config instead (run them with networking.disableDefaultCNI: true). */
#include <stdio.h>

int main(void) {
  fputs("kindnetd is not included in this node image (not buildable from the Go module proxy); the node's "
        "bridge CNI config (/etc/cni/net.d/10-shopstack-bridge.conflist) serves pods: create the cluster with "
        "networking.disableDefaultCNI: true\n",
        stderr);
  return 1;
}
