#!/usr/bin/env bash
# The tcpmesh fault-injection suite: starts its own cluster (start-cluster.sh on its own port offset and
# run folder), drives load with dist/bin/load and the real clients, injects one fault per scenario, and
# writes docs/RELIABILITY.md: one row per scenario with what happened and whether its target was met.
#
#   dist/chaos/run.sh                   # every scenario, about 15 minutes
#   dist/chaos/run.sh --quick           # shorter faults and loads, a subset of scenarios; about 5 minutes
#   dist/chaos/run.sh --only 1,4,9      # just these scenarios
#
# Options:
#   --quick             short faults and loads; scenarios 1-6, 8, 9, 12-14 (the others need minutes)
#   --only LIST         run only these scenarios (comma separated; --list names them)
#   --out FILE          report path (default: docs/RELIABILITY.md beside dist/)
#   --port-offset N     the cluster's port offset (default 15000: ports 17181-24603)
#   --run-dir DIR       the cluster's run folder (default: a new temporary folder)
#   --keep              keep the run folder (logs, load reports)
#   --list              print the scenarios and exit
# Exit codes: 0 every target met, 1 a target missed (the report says by how much), 2 bad options,
# 3 the cluster did not start. Ctrl-C stops every process the suite started (also frozen ones).
# Touches only loopback (and, for scenario 15, network namespaces it creates through
# dist/netns-cluster.sh). Needs python3 (installed with apt when missing and run as root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if ! command -v python3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chaos: installing python3" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
  else
    echo "chaos: needs python3 (apt-get install python3)" >&2
    exit 2
  fi
fi
exec python3 "$here/chaos.py" "$@"
