#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages.
#
#   .ci/setup-postgres.sh start DIR   installs postgresql if missing, creates a cluster in DIR
#                                     (unless one is there), starts it on a free loopback port,
#                                     prints its URL: postgresql://grader@127.0.0.1:PORT/postgres
#   .ci/setup-postgres.sh stop DIR    stops that cluster.
#
# Idempotent: starting a running cluster only prints its URL again. The server never runs as
# root: as root it runs as the `postgres` user that Debian's package creates. Authentication is
# `trust` on loopback only, which is fine for a test server and nothing else.
set -euo pipefail

action=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cd "$dir"  # the server user may not be allowed into the caller's working directory

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin=$(find_bin)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "postgresql is not installed and we are not root" >&2; exit 2; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
fi

if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$dir"
    as_owner() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
else
    as_owner() { "$@"; }
fi

data="$dir/data"
if [[ "$action" == stop ]]; then
    [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
    exit 0
fi
[[ "$action" == start ]] || { echo "unknown action $action" >&2; exit 2; }

if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$bin/initdb" -D "$data" -U grader --auth=trust -E UTF8 >&2
fi
if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2
fi
echo "postgresql://grader@127.0.0.1:$(cat "$dir/port")/postgres"
