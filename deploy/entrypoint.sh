#!/bin/sh
# The image's entry point: runs one Mercato process, chosen by the first argument, with the
# same entry files as the distributed launcher (apps/mercato/src/service-registry.ts).
#   <service>    services/<service>/src/main.ts (identity, catalog, …; settings from the env)
#   gateway      services/gateway/src/main.ts
#   simulators   apps/simulators/src/main.ts (PSP and carrier stand-ins)
#   mercato …    the launcher CLI (migrate, seed, rotate-keys, reset-password)
set -eu
name="${1:-${MERCATO_SERVICE:-}}"
[ "$#" -gt 0 ] && shift
case "$name" in
  simulators) exec node apps/simulators/src/main.ts "$@" ;;
  mercato) exec node apps/mercato/src/cli.ts "$@" ;;
  '' | *[!a-z-]*)
    echo "usage: <service>|gateway|simulators|mercato <command>" >&2
    exit 64
    ;;
esac
if [ ! -f "services/$name/src/main.ts" ]; then
  echo "unknown service: $name (one of: $(ls services | tr '\n' ' '))" >&2
  exit 64
fi
exec node "services/$name/src/main.ts" "$@"
