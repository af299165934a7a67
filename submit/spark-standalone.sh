#!/usr/bin/env bash
# Submits a mixfarm farm to Spark (standalone cluster manager) with spark-submit; shared logic in submit/lib.sh.
# Usage: see --help.
set -euo pipefail
usage_text=$(cat <<'USAGE'
Usage: submit/spark-standalone.sh --master spark://HOST:7077 [--gpu] [--conf k=v ...] [spark-submit options ...] CONFIG [mixfarm run options ...]

Runs a mixfarm farm (`mixfarm run CONFIG ...`) on a Spark standalone cluster with spark-submit, driver in
client mode (this machine reads CONFIG). Example:
  submit/spark-standalone.sh --master spark://head:7077 --executor-memory 6g conf/mnist-sample.conf --out /shared/runs/mnist
USAGE
)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mf_main standalone "$usage_text" "$@"
