#!/bin/sh
# Run the shards, wait for them, then merge. Exit code: the merge Job's.
#   kubectl create secret generic corral-ssh --from-file=id_ed25519=$HOME/.ssh/id_ed25519 \
#       --from-file=known_hosts=./known_hosts
#   kubectl create configmap corral-site --from-file=site.yml --from-file=hosts.yml
#   examples/scale-out/kubernetes/run.sh
set -eu
here=$(dirname "$0")
kubectl delete job corral-shards corral-merge --ignore-not-found
kubectl apply -f "$here/shards-job.yaml"
# Complete or Failed: either way the merge runs and reports every shard.
kubectl wait --for=condition=complete --timeout=2h job/corral-shards \
    || kubectl get job corral-shards
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete --timeout=10m job/corral-merge && status=0 || status=1
kubectl logs job/corral-merge
exit "$status"
