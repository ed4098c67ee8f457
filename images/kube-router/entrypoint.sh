#!/bin/sh
# Runs kube-router with the iptables flavour (nft or legacy) that holds kube-proxy's chains; nft when neither does.
set -eu
mode=nft
if ! xtables-nft-multi iptables-save -t nat 2>/dev/null | grep -q KUBE-SERVICES &&
  xtables-legacy-multi iptables-save -t nat 2>/dev/null | grep -q KUBE-SERVICES; then
  mode=legacy
fi
echo "kube-router: iptables $mode (the flavour of kube-proxy's rules)"
PATH=/usr/local/lib/iptables-$mode:$PATH exec /usr/local/bin/kube-router "$@"
