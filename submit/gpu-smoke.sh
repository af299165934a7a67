#!/usr/bin/env bash
# Checks on one cluster node, before a long farm, that ND4J's CUDA backend trains on its GPU: runs
# `mixfarm gpu-check` with the CUDA jar (one epoch of the paper's CNN on the embedded MNIST sample, no download)
# and prints name=value lines: the ND4J backend, the device and its compute capability, images/s, memory, and
# a last line verdict=KEYWORD sentence.
#
# Usage: submit/gpu-smoke.sh [--jar JAR] [gpu-check options: --device N, --concurrent 1,2,4, --width 32, ...]
#        submit/gpu-smoke.sh --help          this text; --check-help: gpu-check's options
#
# It runs the jar as executors do, with spark-submit (local mode; gpu-check starts no Spark job): the jar
# carries no Spark, and ND4J uses some of Spark's jars. Without spark-submit, on a development machine, it
# falls back to plain java with the Spark jars the Maven build lists (jobs/target/spark-classpath.txt).
#
# Exit status, the verdict's: 0 the GPU works (ok; ok-jit: through the driver's JIT), 1 it does not
# (backend-failed, no-gpu, cuda-error, unsupported-arch, wrong-results; crashed: the JVM died before a
# verdict), 2 bad options, 3 ND4J runs on the CPU (cpu-backend: this jar or node uses no GPU).
#
# Environment:
#   MIXFARM_JAR           the jar (default jobs/target/mixfarm-cuda.jar, from mvn -B -Pcuda -DskipTests package;
#                         jobs/target/mixfarm.jar is the CPU build)
#   SPARK_HOME, SPARK_SUBMIT  where spark-submit is (as for submit/spark-*.sh); else spark-submit on PATH
#   JAVA_OPTS             extra JVM options, e.g. -Dorg.bytedeco.javacpp.platform.extension=-cudnn
#   CUDA_VISIBLE_DEVICES  as for any CUDA program; --device counts among the visible devices
#   CUDA_CACHE_MAXSIZE    the driver's JIT cache (default here 4 GiB: a JIT-compiled libnd4j for sm_90 outgrows
#                         CUDA's 256 MiB default and would be compiled again at every start); CUDA_CACHE_PATH too
#   OMP_NUM_THREADS       host threads per JVM (default 1, as on farm executors)
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
jar="${MIXFARM_JAR:-$mf_root/jobs/target/mixfarm-cuda.jar}"
if [[ "${1:-}" == "--jar" ]]; then
  [[ $# -ge 2 ]] || mf_die "--jar needs a path"
  jar="$2"
  shift 2
fi
args=("$@")
help=0
if [[ "${1:-}" == "--check-help" ]]; then
  args=(--help)
  help=1
fi
[[ -f "$jar" ]] || mf_die "jar not found: $jar (build it with mvn -B -Pcuda -DskipTests package, or set MIXFARM_JAR)"

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export CUDA_CACHE_MAXSIZE="${CUDA_CACHE_MAXSIZE:-4294967296}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-$mf_glibc_default}"
jvm_opts="-Dorg.eclipse.deeplearning4j.helpers.disable=false${JAVA_OPTS:+ $JAVA_OPTS}"

submit="$(mf_spark_submit)"
spark_cp="$mf_root/jobs/target/spark-classpath.txt"
if [[ "$submit" == */* && -x "$submit" ]] || command -v "$submit" >/dev/null 2>&1; then
  cmd=("$submit" --master "local[1]" --class io.mixfarm.jobs.cli.Mixfarm --driver-java-options "$jvm_opts"
    "$jar" gpu-check)
elif [[ -f "$spark_cp" ]]; then
  java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  read -r -a opts <<<"$jvm_opts"
  cmd=("$java" "${opts[@]}" -cp "$jar:$(cat "$spark_cp")" io.mixfarm.jobs.cli.Mixfarm gpu-check)
else
  mf_die "spark-submit not found (set SPARK_HOME or put it on PATH): the jar needs Spark's jars beside it"
fi

if [[ "$help" == 0 ]]; then
  echo "jar=$jar"
  echo "launcher=${cmd[0]}"
  # The driver's own view, to compare with ND4J's (compute_cap needs a recent nvidia-smi).
  if command -v nvidia-smi >/dev/null 2>&1; then
    if smi="$(nvidia-smi --query-gpu=index,name,driver_version,compute_cap --format=csv,noheader 2>&1)"; then
      echo "nvidia_smi=${smi//$'\n'/; }"
    else
      echo "nvidia_smi=failed: ${smi//$'\n'/ }"
    fi
  else
    echo "nvidia_smi=not found"
  fi
fi

# The command's output goes to stdout as it comes, and to a file to see whether a verdict was printed.
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
"${cmd[@]}" "${args[@]}" | tee "$out" || status="${PIPESTATUS[0]}"
if [[ "$help" == 0 && "$status" != 2 ]] && ! grep '^verdict=' "$out" >/dev/null; then
  echo "verdict=crashed (the JVM exited with status $status before a verdict: a native crash or a failed start; see the output above)"
  exit 1
fi
exit "$status"
