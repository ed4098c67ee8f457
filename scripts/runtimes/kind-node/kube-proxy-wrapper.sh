#!/bin/sh
# kubeadm runs /usr/local/bin/kube-proxy. Like upstream's iptables-wrapper, first pick the iptables backend
# (legacy or nft) that the node already uses, so kube-proxy's rules land beside the node's own.
legacy=$( (iptables-legacy-save; ip6tables-legacy-save) 2>/dev/null | grep -c '^-')
nft=$( (iptables-nft-save; ip6tables-nft-save) 2>/dev/null | grep -c '^-')
mode=nft
[ "${legacy:-0}" -gt "${nft:-0}" ] && mode=legacy
update-alternatives --set iptables "/usr/sbin/iptables-$mode" >/dev/null
update-alternatives --set ip6tables "/usr/sbin/ip6tables-$mode" >/dev/null
exec /usr/local/lib/kube-proxy "$@"
