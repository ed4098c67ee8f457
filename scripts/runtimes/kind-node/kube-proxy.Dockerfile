# registry.k8s.io/kube-proxy for the kind node: upstream's image is Debian plus iptables; so is this one.
ARG BASE_IMAGE=shopstack/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables nftables conntrack ipset kmod \
    && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
COPY kube-proxy /usr/local/lib/kube-proxy
COPY kube-proxy-wrapper.sh /usr/local/bin/kube-proxy
RUN chmod 0755 /usr/local/bin/kube-proxy /usr/local/lib/kube-proxy
