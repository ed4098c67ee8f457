#!/bin/sh
# Our entrypoint for shopstack.local/redis:7: `docker run IMAGE --requirepass x` runs redis-server with
# those arguments (no config file: Redis' defaults, listening on all addresses); any other command runs as is.
set -eu
case "${1:-}" in
  -*) set -- redis-server "$@" ;;
esac
exec "$@"
