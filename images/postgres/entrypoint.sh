#!/bin/sh
# Our entrypoint for shopstack.local/postgres:15. On an empty $PGDATA: initdb with the superuser
# $POSTGRES_USER and its password, run /docker-entrypoint-initdb.d/* against a server that listens on
# the Unix socket only, and only then move the new cluster into place, so a failed init script leaves
# nothing half-made and runs again on the next start. Then postgres listens on all addresses, with
# scram-sha-256 for every TCP connection.
set -eu

case "${1:-}" in
  -*) set -- postgres "$@" ;;
esac
[ "${1:-}" = postgres ] || exec "$@"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA" "$(dirname "$PGDATA")"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

fail() {
  echo "error: $*" >&2
  exit 1
}

POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_USER PGDATA

password() {
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    [ -r "$POSTGRES_PASSWORD_FILE" ] || fail "POSTGRES_PASSWORD_FILE=$POSTGRES_PASSWORD_FILE cannot be read"
    cat "$POSTGRES_PASSWORD_FILE"
  elif [ -n "${POSTGRES_PASSWORD:-}" ]; then
    printf '%s' "$POSTGRES_PASSWORD"
  else
    fail 'the data directory is empty: set POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD for the superuser'
  fi
}

run_init_scripts() {
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh) echo "init: running $f"; sh "$f" ;;
      *.sql) echo "init: running $f"; psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -f "$f" ;;
      *) echo "init: ignoring $f" ;;
    esac
  done
}

initialize() {
  staging="$PGDATA.init"
  rm -rf "$staging"
  pw=$(password)
  [ -n "$pw" ] || fail 'the superuser password is empty'
  echo "init: creating a cluster in $PGDATA (superuser $POSTGRES_USER)"
  printf '%s\n' "$pw" | initdb --pgdata="$staging" --username="$POSTGRES_USER" --pwfile=/dev/stdin \
    --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  unset pw
  # the socket stays inside the container; every network client authenticates
  printf '%s\n' 'host all all 0.0.0.0/0 scram-sha-256' 'host all all ::/0 scram-sha-256' >>"$staging/pg_hba.conf"
  pg_ctl --pgdata="$staging" --silent --wait -o "-c listen_addresses=''" start
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  if ! (run_init_scripts); then
    pg_ctl --pgdata="$staging" --silent --wait -m fast stop
    rm -rf "$staging"
    fail 'an init script failed; the data directory was left empty so that init runs again on the next start'
  fi
  pg_ctl --pgdata="$staging" --silent --wait -m fast stop
  if rmdir "$PGDATA" 2>/dev/null; then
    mv "$staging" "$PGDATA"
  else
    # $PGDATA is itself a mount point: move the cluster's files into it
    find "$staging" -mindepth 1 -maxdepth 1 -exec mv {} "$PGDATA"/ \;
    rmdir "$staging"
    chmod 700 "$PGDATA"
  fi
  echo 'init: done'
}

mkdir -p "$PGDATA" 2>/dev/null || fail "cannot create PGDATA=$PGDATA (is the volume writable by uid $(id -u)?)"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -z "$(ls -A "$PGDATA")" ] || fail "PGDATA=$PGDATA is neither empty nor a PostgreSQL data directory"
  initialize
fi
shift
exec postgres -c listen_addresses='*' "$@"
