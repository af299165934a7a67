#!/usr/bin/env bash
# Submits a mixfarm farm to Spark (k8s cluster manager) with spark-submit; shared logic in submit/lib.sh.
# Usage: see --help.
set -euo pipefail
usage_text=$(cat <<'USAGE'
Usage: submit/spark-k8s.sh --master k8s://https://HOST:PORT (--image IMAGE | env MIXFARM_K8S_IMAGE) [--deploy-mode cluster|client] [--gpu] [--conf k=v ...] [spark-submit options ...] CONFIG [mixfarm run options ...]

Runs a mixfarm farm (`mixfarm run CONFIG ...`) on Kubernetes with spark-submit. Required: the API server as
--master k8s://https://HOST:PORT and a container image with Spark and Java 17, given as --image IMAGE, env
MIXFARM_K8S_IMAGE or --conf spark.kubernetes.container.image=IMAGE. Deploy mode is cluster by default: the
driver runs in a pod, and CONFIG (and the jar, unless MIXFARM_JAR=local:///path/in/image.jar) go through
spark.kubernetes.file.upload.path (env MIXFARM_K8S_UPLOAD_PATH or --conf; e.g. s3a://bucket/spark-upload).
Example:
  MIXFARM_JAR=local:///opt/mixfarm/mixfarm.jar MIXFARM_K8S_UPLOAD_PATH=s3a://b/up \
    submit/spark-k8s.sh --master k8s://https://api:6443 --image reg/mixfarm:0.1 --conf spark.executor.instances=8 \
    conf/mnist-sample.conf --out /mnt/shared/runs/mnist
USAGE
)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mf_main k8s "$usage_text" "$@"
