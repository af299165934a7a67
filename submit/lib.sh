# shellcheck shell=bash
# Shared logic of submit/spark-standalone.sh, submit/spark-yarn.sh and submit/spark-k8s.sh: parses
#   SCRIPT [--gpu] [--dry-run-submit] [--conf k=v ...] [spark-submit options ...] CONFIG [mixfarm run options ...]
# and runs (or prints) one spark-submit of `io.mixfarm.jobs.cli.Mixfarm run CONFIG ...` with the shaded jar.
# Sourced, not run: the caller calls `mf_main MANAGER USAGE "$@"` (MANAGER: standalone, yarn or k8s).
#
# Environment (all scripts):
#   SPARK_HOME          spark-submit is $SPARK_HOME/bin/spark-submit, else the one on PATH.
#   MIXFARM_THREADS     OpenMP threads per executor/driver JVM (default 1: one trial per core). When above 1
#                       and spark.task.cpus is not given, spark.task.cpus is set to the same number.
#   GLIBC_TUNABLES      glibc malloc settings for driver and executors (default: as submit/mixfarm).
#   MIXFARM_JAR         application jar (default jobs/target/mixfarm.jar, with --gpu jobs/target/mixfarm-cuda.jar;
#                       built with Maven if missing), e.g.
#                       local:///opt/mixfarm/mixfarm.jar for a jar inside a container image.
#   MIXFARM_GPU_CONF    properties file used by --gpu (default conf/spark-gpu.properties).
#   MIXFARM_PRINT_ONLY  1: print the spark-submit command instead of running it (same as --dry-run-submit).
#   SPARK_SUBMIT        the spark-submit command to run (overrides SPARK_HOME and PATH).

mf_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mf_prog="$(basename "$0")"

# DL4J's oneDNN helpers on, oneDNN natives chosen: the same -D properties as submit/mixfarm.
mf_nd4j_opts="-Dorg.eclipse.deeplearning4j.helpers.disable=false -Dorg.bytedeco.javacpp.platform.extension=-onednn"
# glibc's malloc settings for every mixfarm JVM (submit/mixfarm, submit/bench-torch and these scripts source this
# line; FarmJob.GLIBC_TUNABLES and pom.xml's mixfarm.glibc.tunables must equal it, MallocSettingsTest checks).
mf_glibc_default="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456"

# spark-submit options that take a value (SparkSubmitOptionParser); the others below are flags.
mf_value_opts=" --name --jars --packages --exclude-packages --repositories --py-files --files --archives
  --driver-memory --driver-java-options --driver-library-path --driver-class-path --executor-memory
  --driver-cores --total-executor-cores --executor-cores --num-executors --queue --principal --keytab
  --proxy-user "
mf_flag_opts=" --verbose -v --supervise "

mf_die() {
  echo "$mf_prog: $*" >&2
  exit 2
}

mf_usage() {
  printf '%s\n' "$usage_text"
  cat <<'EOF'

Common options:
  --gpu               add --properties-file conf/spark-gpu.properties (Spark properties for GPU
                      executors; env MIXFARM_GPU_CONF: another file).
  --conf k=v          a Spark property; spark.executor/driver.extraJavaOptions are merged with the ND4J
                      -D properties of submit/mixfarm, not replaced (with --gpu, executors get the
                      DL4J helpers property but not the CPU-only -onednn platform extension).
  --deploy-mode M     client or cluster. In client mode CONFIG is read by the local driver; in cluster
                      mode it is shipped with --files and passed to the driver by its file name.
  --dry-run-submit    print the spark-submit command instead of running it (env MIXFARM_PRINT_ONLY=1).
  -h, --help          this help.
  Any other spark-submit option (--executor-memory 4g, --num-executors 8, --name N, ...) is passed through;
  --class and the application jar are set by the script.

Everything after CONFIG goes to `mixfarm run` (--out DIR, --trials N, --schedules A,B, --set k=v, ...).
Trials write their Parquet files from the executors: --out must be a folder that the driver and every
executor see at the same path (a shared file system).

Environment: SPARK_HOME, MIXFARM_THREADS (OpenMP threads per JVM, default 1), GLIBC_TUNABLES, MIXFARM_JAR,
MIXFARM_GPU_CONF, MIXFARM_PRINT_ONLY, SPARK_SUBMIT; see submit/lib.sh.
EOF
}

# The value of key $2 in the Java properties file $1 (simple `key value`, `key=value` or `key: value` lines).
mf_prop() {
  [[ -f "$1" ]] || return 0
  awk -v key="$2" '
    /^[ \t]*[#!]/ { next }
    {
      line = $0; sub(/^[ \t]+/, "", line)
      if (index(line, key) != 1) next
      rest = substr(line, length(key) + 1)
      if (rest !~ /^[ \t=:]/) next
      sub(/^[ \t]*[=:]?[ \t]*/, "", rest); sub(/[ \t\r]+$/, "", rest)
      value = rest
    }
    END { printf "%s", value }' "$1"
}

# The spark-submit command: $SPARK_SUBMIT, else $SPARK_HOME/bin/spark-submit, else the one on PATH.
mf_spark_submit() {
  if [[ -n "${SPARK_SUBMIT:-}" ]]; then
    printf '%s' "$SPARK_SUBMIT"
  elif [[ -n "${SPARK_HOME:-}" ]]; then
    printf '%s' "$SPARK_HOME/bin/spark-submit"
  else
    printf '%s' spark-submit
  fi
}

# A shell word for display: plain when safe, quoted otherwise.
mf_quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,@+%^-]+$ ]]; then
    printf '%s' "$1"
  else
    printf '%s' "${1@Q}"
  fi
}

mf_main() {
  manager="$1" usage_text="$2"
  shift 2
  local gpu=0 print_only="${MIXFARM_PRINT_ONLY:-0}" master="" deploy_mode="" image="${MIXFARM_K8S_IMAGE:-}"
  local props_file="" config=""
  local -a pass=() confs=() app_args=()
  local -A conf_set=()

  if [[ $# -eq 0 ]]; then
    case "$manager" in
      standalone) mf_die "missing arguments: --master spark://HOST:7077 and CONFIG (see --help)" ;;
      yarn) mf_die "missing argument: CONFIG (see --help)" ;;
      k8s) mf_die "missing arguments: --master k8s://https://HOST:PORT, --image IMAGE and CONFIG (see --help)" ;;
    esac
  fi
  while [[ $# -gt 0 ]]; do
    local arg="$1" opt val
    case "$arg" in
      -h | --help) mf_usage; exit 0 ;;
      --gpu) gpu=1; shift; continue ;;
      --dry-run-submit) print_only=1; shift; continue ;;
      --) shift; [[ $# -gt 0 ]] || mf_die "missing CONFIG after --"; config="$1"; shift; break ;;
      -*) ;;
      *) config="$1"; shift; break ;;
    esac
    # An option with a value: --opt=value or --opt value.
    if [[ "$arg" == --*=* ]]; then
      opt="${arg%%=*}"; val="${arg#*=}"; shift
    elif [[ "$mf_flag_opts" == *" $arg "* ]]; then
      pass+=("$arg"); shift; continue
    else
      opt="$arg"
      [[ $# -ge 2 ]] || mf_die "missing value for $opt"
      val="$2"; shift 2
    fi
    case "$opt" in
      --master) master="$val" ;;
      --deploy-mode) deploy_mode="$val" ;;
      --image) [[ "$manager" == k8s ]] || mf_die "--image is for submit/spark-k8s.sh only"; image="$val" ;;
      --conf | -c)
        [[ "$val" == *=* ]] || mf_die "--conf needs key=value, got: $val"
        [[ -n "${conf_set["${val%%=*}"]+x}" ]] || confs+=("${val%%=*}")
        conf_set["${val%%=*}"]="${val#*=}" ;;
      --properties-file) props_file="$val" ;;
      --class) mf_die "--class is set by the script (io.mixfarm.jobs.cli.Mixfarm)" ;;
      *)
        [[ "${mf_value_opts//$'\n'/ }" == *" $opt "* ]] || mf_die "unknown option $opt (spark-submit options are listed by spark-submit --help)"
        pass+=("$opt" "$val") ;;
    esac
  done
  app_args=("$@")
  [[ -n "$config" ]] || mf_die "missing CONFIG (see --help)"
  [[ -f "$config" ]] || mf_die "CONFIG not found: $config"

  # Cluster manager: master and deploy mode.
  case "$manager" in
    standalone)
      [[ -n "$master" ]] || mf_die "missing --master spark://HOST:7077 (see --help)"
      [[ "$master" == spark://* ]] || mf_die "--master must be spark://HOST:PORT, got: $master"
      deploy_mode="${deploy_mode:-client}"
      # A standalone driver in cluster mode starts on a worker before --files are there to read.
      [[ "$deploy_mode" == client ]] || mf_die "standalone runs the driver in client mode only (CONFIG is read by the driver)"
      ;;
    yarn)
      [[ -z "$master" || "$master" == yarn ]] || mf_die "--master is yarn for this script, got: $master"
      master=yarn
      deploy_mode="${deploy_mode:-client}"
      ;;
    k8s)
      [[ -n "$master" ]] || mf_die "missing --master k8s://https://HOST:PORT (see --help)"
      [[ "$master" == k8s://* ]] || mf_die "--master must be k8s://https://HOST:PORT, got: $master"
      deploy_mode="${deploy_mode:-cluster}"
      if [[ -n "$image" ]]; then
        [[ -n "${conf_set[spark.kubernetes.container.image]+x}" ]] || confs+=(spark.kubernetes.container.image)
        conf_set[spark.kubernetes.container.image]="${conf_set[spark.kubernetes.container.image]:-$image}"
      fi
      [[ -n "${conf_set[spark.kubernetes.container.image]:-}" ]] ||
        mf_die "missing container image: --image IMAGE, env MIXFARM_K8S_IMAGE or --conf spark.kubernetes.container.image=IMAGE"
      if [[ "$deploy_mode" == cluster && -z "${conf_set[spark.kubernetes.file.upload.path]:-}" ]]; then
        [[ -n "${MIXFARM_K8S_UPLOAD_PATH:-}" ]] ||
          mf_die "cluster mode ships CONFIG (and a local jar) through an upload folder: env MIXFARM_K8S_UPLOAD_PATH or --conf spark.kubernetes.file.upload.path=s3a://... (or --deploy-mode client)"
        confs+=(spark.kubernetes.file.upload.path)
        conf_set[spark.kubernetes.file.upload.path]="$MIXFARM_K8S_UPLOAD_PATH"
      fi
      ;;
    *) mf_die "internal: unknown cluster manager $manager" ;;
  esac
  [[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] || mf_die "--deploy-mode must be client or cluster, got: $deploy_mode"

  # GPU executors: Spark properties from conf/spark-gpu.properties.
  if [[ "$gpu" == 1 ]]; then
    [[ -z "$props_file" ]] || mf_die "--gpu and --properties-file both given: put the GPU properties in your file or drop --gpu"
    props_file="${MIXFARM_GPU_CONF:-$mf_root/conf/spark-gpu.properties}"
    if [[ ! -f "$props_file" ]]; then
      [[ "$print_only" == 1 ]] || mf_die "--gpu needs the properties file $props_file, which does not exist"
      echo "$mf_prog: warning: $props_file does not exist" >&2
    fi
  fi

  # ND4J -D properties go on both JVMs, merged with what the user or the properties file says (--conf
  # replaces a properties-file value, so the file's value is carried over here).
  local side key base
  for side in executor driver; do
    key="spark.$side.extraJavaOptions"
    if [[ -n "${conf_set[$key]+x}" ]]; then
      base="${conf_set[$key]}"
    else
      base="$(mf_prop "$props_file" "$key")"
      confs+=("$key")
    fi
    local d
    for d in $mf_nd4j_opts; do
      # GPU executors run the CUDA backend, whose natives have no -onednn build (see conf/spark-gpu.properties).
      [[ "$gpu" == 1 && "$side" == executor && "$d" == -Dorg.bytedeco.javacpp.platform.extension=* ]] && continue
      [[ " $base " == *" $d "* ]] || base="${base:+$base }$d"
    done
    conf_set[$key]="$base"
  done

  # OpenMP threads and glibc malloc settings on executors and on the driver wherever it runs.
  local threads="${MIXFARM_THREADS:-1}" glibc="${GLIBC_TUNABLES:-$mf_glibc_default}" name
  [[ "$threads" =~ ^[1-9][0-9]*$ ]] || mf_die "MIXFARM_THREADS must be a positive integer, got: $threads"
  local -a env_prefixes=(spark.executorEnv.)
  if [[ "$deploy_mode" == cluster ]]; then
    case "$manager" in
      yarn) env_prefixes+=(spark.yarn.appMasterEnv.) ;;
      k8s) env_prefixes+=(spark.kubernetes.driverEnv.) ;;
    esac
  fi
  local prefix
  for prefix in "${env_prefixes[@]}"; do
    for name in OMP_NUM_THREADS GLIBC_TUNABLES; do
      key="$prefix$name"
      [[ -n "${conf_set[$key]+x}" ]] && continue
      confs+=("$key")
      if [[ "$name" == OMP_NUM_THREADS ]]; then conf_set[$key]="$threads"; else conf_set[$key]="$glibc"; fi
    done
  done
  # In client mode the driver is this process's child: it inherits these.
  export OMP_NUM_THREADS="$threads" GLIBC_TUNABLES="$glibc"
  if [[ "$threads" -gt 1 && -z "${conf_set[spark.task.cpus]+x}" && -z "$(mf_prop "$props_file" spark.task.cpus)" ]]; then
    confs+=(spark.task.cpus)
    conf_set[spark.task.cpus]="$threads"
  fi

  # CONFIG: read locally by a client-mode driver; shipped with --files to a cluster-mode driver.
  local config_arg
  if [[ "$deploy_mode" == cluster ]]; then
    pass+=(--files "$(cd "$(dirname "$config")" && pwd)/$(basename "$config")")
    config_arg="$(basename "$config")"
  else
    config_arg="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
  fi

  # The application jar, built on first use.
  # With --gpu the CUDA build (mvn -Pcuda): the CPU jar would train on the executors' CPUs while holding
  # their GPUs.
  local jar="${MIXFARM_JAR:-$mf_root/jobs/target/mixfarm.jar}"
  local -a build=(mvn -q -B -Dstyle.color=never -DskipTests package)
  if [[ "$gpu" == 1 ]]; then
    jar="${MIXFARM_JAR:-$mf_root/jobs/target/mixfarm-cuda.jar}"
    build+=(-Pcuda)
  fi
  if [[ -z "${MIXFARM_JAR:-}" && ! -f "$jar" ]]; then
    if [[ "$print_only" == 1 ]]; then
      echo "$mf_prog: warning: $jar does not exist (a real submit builds it)" >&2
    else
      echo "$mf_prog: building the jar (${build[*]})..." >&2
      (cd "$mf_root" && "${build[@]}") >&2
    fi
  fi

  local submit
  submit="$(mf_spark_submit)"

  local -a cmd=("$submit" --master "$master" --deploy-mode "$deploy_mode" --class io.mixfarm.jobs.cli.Mixfarm)
  [[ -z "$props_file" ]] || cmd+=(--properties-file "$props_file")
  for key in "${confs[@]}"; do
    cmd+=(--conf "$key=${conf_set[$key]}")
  done
  cmd+=("${pass[@]}" "$jar" run "$config_arg" "${app_args[@]}")

  if [[ "$print_only" == 1 ]]; then
    local word sep=""
    for word in "${cmd[@]}"; do
      printf '%s' "$sep"; mf_quote "$word"; sep=" "
    done
    printf '\n'
    return 0
  fi
  if [[ "$submit" == spark-submit ]] && ! command -v spark-submit >/dev/null; then
    mf_die "spark-submit not found: set SPARK_HOME or put it on PATH"
  fi
  exec "${cmd[@]}"
}
