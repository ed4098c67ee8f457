# registry.k8s.io/kube-proxy for the kind node: upstream's image is Debian plus iptables; so is this one.
ARG BASE_IMAGE=shopstack/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables conntrack ipset kmod \
    && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
COPY kube-proxy /usr/local/lib/kube-proxy
# both are executable in the build context and COPY keeps the mode (a RUN chmod would copy the binary again)
COPY kube-proxy-wrapper.sh /usr/local/bin/kube-proxy
