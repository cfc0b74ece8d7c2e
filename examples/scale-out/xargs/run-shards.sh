#!/bin/sh
# Run one playbook as N shard processes on this machine, then merge their reports.
#
#   examples/scale-out/xargs/run-shards.sh N PLAYBOOK INVENTORY [REPORT_DIR] [-- corral args...]
#
# Each shard is its own `corral apply --shard I/N` process (own event loop, own
# connections); `corral report merge` then writes REPORT_DIR/fleet.json and exits
# with the code one run over the whole fleet would have had. Set CORRAL to the
# corral command (default: corral) and COMMAND=check for a drift check.
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 N PLAYBOOK INVENTORY [REPORT_DIR] [-- corral args...]" >&2
    exit 5
fi
shards=$1 playbook=$2 inventory=$3
shift 3
reports=reports
if [ $# -gt 0 ] && [ "$1" != "--" ]; then reports=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
corral=${CORRAL:-corral}
command=${COMMAND:-apply}
mkdir -p "$reports/logs"
rm -f "$reports"/shard-*.json

# A shard's own exit code is only logged: the merge decides the fleet's.
seq 0 $((shards - 1)) | xargs -P "$shards" -I{} sh -c '
    corral=$0 command=$1 playbook=$2 inventory=$3 shards=$4 reports=$5
    shift 5
    $corral "$command" "$playbook" -i "$inventory" --shard "{}/$shards" \
        --report "$reports/shard-{}.json" "$@" > "$reports/logs/shard-{}.log" 2>&1
    echo "shard {}/$shards: exit $? (log: $reports/logs/shard-{}.log)" >&2
    exit 0
' "$corral" "$command" "$playbook" "$inventory" "$shards" "$reports" "$@"

set --
i=0
while [ "$i" -lt "$shards" ]; do
    set -- "$@" "$reports/shard-$i.json"   # a missing file is reported by the merge
    i=$((i + 1))
done
exec $corral report merge "$@" -o "$reports/fleet.json"
