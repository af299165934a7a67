#!/usr/bin/env bash
# Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript, or the worker's
# spark.worker.resource.gpu.discoveryScript): prints this machine's GPUs as Spark's resource JSON,
#   {"name": "gpu", "addresses": ["0","1",...]}
# from `nvidia-smi --query-gpu=index --format=csv,noheader`. Without nvidia-smi, or when it fails or finds no
# GPU, it prints an empty address list and says why on stderr (exit 0: Spark then reports too few GPUs).
# Usage: submit/gpu-discovery.sh [--help]
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

empty='{"name": "gpu", "addresses": []}'
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on PATH: no GPU addresses" >&2
  echo "$empty"
  exit 0
fi
if ! out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed: ${out//$'\n'/ }" >&2
  echo "$empty"
  exit 0
fi

addresses=()
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  [[ -z "$line" ]] && continue
  if [[ ! "$line" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery.sh: unexpected nvidia-smi output line: $line" >&2
    continue
  fi
  addresses+=("\"$line\"")
done <<<"$out"

if [[ ${#addresses[@]} -eq 0 ]]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU" >&2
  echo "$empty"
  exit 0
fi
joined="$(IFS=,; echo "${addresses[*]}")"
echo "{\"name\": \"gpu\", \"addresses\": [$joined]}"
