#!/usr/bin/env bash
# Submits a mixfarm farm to Spark (yarn cluster manager) with spark-submit; shared logic in submit/lib.sh.
# Usage: see --help.
set -euo pipefail
usage_text=$(cat <<'USAGE'
Usage: submit/spark-yarn.sh [--deploy-mode client|cluster] [--gpu] [--conf k=v ...] [spark-submit options ...] CONFIG [mixfarm run options ...]

Runs a mixfarm farm (`mixfarm run CONFIG ...`) on YARN with spark-submit: --master yarn, --deploy-mode client
by default (cluster ships CONFIG with --files). Needs HADOOP_CONF_DIR or YARN_CONF_DIR, as spark-submit does.
Example:
  submit/spark-yarn.sh --num-executors 16 --executor-memory 6g --queue ml conf/mnist-sample.conf --out /shared/runs/mnist
USAGE
)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mf_main yarn "$usage_text" "$@"
