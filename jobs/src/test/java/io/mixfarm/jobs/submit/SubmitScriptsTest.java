package io.mixfarm.jobs.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cluster launchers in {@code submit/} (spark-standalone.sh, spark-yarn.sh, spark-k8s.sh) checked in
 * print-only mode, without a cluster; the GPU discovery script on this GPU-less machine; shellcheck on every
 * script in {@code submit/}. Tests run in {@code jobs/}, so the scripts are at {@code ../submit/}.
 */
class SubmitScriptsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SUBMIT = ROOT.resolve("submit");
    private static final String CONFIG = ROOT.resolve("conf/mnist-sample.conf").toString();
    private static final String ND4J_HELPERS = "-Dorg.eclipse.deeplearning4j.helpers.disable=false";
    private static final String ND4J_ONEDNN = "-Dorg.bytedeco.javacpp.platform.extension=-onednn";

    record Result(int exit, String out, String err) {}

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().remove("MIXFARM_PRINT_ONLY");
        pb.environment().remove("MIXFARM_THREADS");
        pb.environment().remove("MIXFARM_K8S_IMAGE");
        pb.environment().remove("MIXFARM_K8S_UPLOAD_PATH");
        pb.environment().remove("MIXFARM_GPU_CONF");
        pb.environment().remove("MIXFARM_JAR");
        pb.environment().remove("SPARK_SUBMIT");
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("submit-test", ".out");
        Path err = Files.createTempFile("submit-test", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Result script(String name, String... args) throws IOException, InterruptedException {
        return script(Map.of(), name, args);
    }

    private static Result script(Map<String, String> env, String name, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(SUBMIT.resolve(name).toString());
        Collections.addAll(cmd, args);
        return run(env, cmd.toArray(String[]::new));
    }

    /** Splits the printed command into words: plain words and bash {@code ${x@Q}} single-quoted words. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                assertTrue(end > 0, "unbalanced quote in: " + line);
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The values of every {@code --conf k=v}, by key. */
    private static Map<String, String> confs(List<String> words) {
        Map<String, String> confs = new HashMap<>();
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("--conf")) {
                String kv = words.get(i + 1);
                confs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return confs;
    }

    private static String valueOf(List<String> words, String option) {
        int i = words.indexOf(option);
        assertTrue(i >= 0 && i + 1 < words.size(), option + " missing in " + words);
        return words.get(i + 1);
    }

    private static List<String> printed(Result r) {
        assertEquals(0, r.exit(), () -> "exit " + r.exit() + ", stderr: " + r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, () -> "one command line expected, got: " + r.out());
        return words(lines[0]);
    }

    /** Class, jar, ND4J properties on both JVMs, executor env and the app arguments: the same for all three. */
    private static void assertCommon(List<String> w, String configArg, String... appArgs) {
        assertTrue(w.get(0).endsWith("spark-submit"), w.get(0));
        assertEquals("io.mixfarm.jobs.cli.Mixfarm", valueOf(w, "--class"));
        Map<String, String> confs = confs(w);
        boolean gpu = w.contains("--properties-file");
        for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions")) {
            String opts = confs.get(key);
            assertTrue(opts != null && opts.contains(ND4J_HELPERS), key + "=" + opts);
            // GPU executors run the CUDA backend: no -onednn platform extension there.
            boolean cudaExecutor = gpu && key.startsWith("spark.executor");
            assertEquals(!cudaExecutor, opts.contains(ND4J_ONEDNN), key + "=" + opts);
        }
        assertEquals("1", confs.get("spark.executorEnv.OMP_NUM_THREADS"));
        assertTrue(confs.get("spark.executorEnv.GLIBC_TUNABLES").contains("glibc.malloc.mmap_threshold=33554432"));
        int run = w.indexOf("run");
        assertTrue(run > 0, "run missing: " + w);
        // The CUDA build's jar with --gpu (unless MIXFARM_JAR says otherwise), the CPU one without.
        String jar = gpu ? "jobs/target/mixfarm-cuda.jar" : "jobs/target/mixfarm.jar";
        assertTrue(w.get(run - 1).endsWith(jar), jar + " before run: " + w);
        List<String> app = new ArrayList<>(List.of("run", configArg));
        app.addAll(List.of(appArgs));
        assertEquals(app, w.subList(run, w.size()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark-standalone.sh", "spark-yarn.sh", "spark-k8s.sh", "gpu-discovery.sh", "gpu-smoke.sh",
            "bench-memory"})
    void helpPrintsUsage(String name) throws Exception {
        Result r = script(name, "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Usage: submit/" + name), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark-standalone.sh", "spark-yarn.sh", "spark-k8s.sh", "bench-memory"})
    void missingArgumentsFailWithOneLine(String name) throws Exception {
        Result r = script(name);
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith(name + ": missing"), r.err());
    }

    @Test
    void missingMasterOrImageOrConfigFailsWithOneLine() throws Exception {
        List<Result> failures = List.of(
                script("spark-standalone.sh", "--dry-run-submit", CONFIG),
                script("spark-standalone.sh", "--dry-run-submit", "--master", "spark://head:7077"),
                script("spark-yarn.sh", "--dry-run-submit", "--executor-memory", "4g"),
                script("spark-k8s.sh", "--dry-run-submit", "--master", "k8s://https://api:6443", CONFIG),
                script("spark-k8s.sh", "--dry-run-submit", "--master", "k8s://https://api:6443",
                        "--image", "reg/mixfarm:1", CONFIG));
        for (Result r : failures) {
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertTrue(failures.get(3).err().contains("spark.kubernetes.container.image"), failures.get(3).err());
        assertTrue(failures.get(4).err().contains("spark.kubernetes.file.upload.path"), failures.get(4).err());
    }

    @Test
    void benchMemoryRefusesAnOutputFolderOfTheCallersWithOneLine() throws Exception {
        // Its run goes into a fresh folder: one the caller named might hold finished trials, which would not rerun.
        Result r = script("bench-memory", CONFIG, "--set", "trials=1", "--out", "/tmp/x");
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("bench-memory: --out is the benchmark's own (a fresh folder per run)", r.err().strip());
    }

    @Test
    void standalonePrintsSubmit() throws Exception {
        List<String> w = printed(script("spark-standalone.sh", "--dry-run-submit", "--master", "spark://head:7077",
                "--executor-memory", "4g", CONFIG, "--out", "/shared/runs/x", "--trials", "5"));
        assertEquals("spark://head:7077", valueOf(w, "--master"));
        assertEquals("client", valueOf(w, "--deploy-mode"));
        assertEquals("4g", valueOf(w, "--executor-memory"));
        assertFalse(w.contains("--properties-file"), w.toString());
        assertCommon(w, CONFIG, "--out", "/shared/runs/x", "--trials", "5");
    }

    @Test
    void gpuAddsPropertiesFileAndKeepsNd4jOptions(@TempDir Path tmp) throws Exception {
        List<String> w = printed(script("spark-standalone.sh", "--dry-run-submit", "--gpu",
                "--master", "spark://head:7077", CONFIG));
        assertEquals(ROOT.resolve("conf/spark-gpu.properties").toString(), valueOf(w, "--properties-file"));
        assertCommon(w, CONFIG);

        // --conf replaces a properties-file value: the file's extraJavaOptions are carried into the --conf.
        Path props = tmp.resolve("gpu.properties");
        Files.writeString(props, "# test\nspark.executor.extraJavaOptions -Xss4m -Dfrom.file=1\n");
        w = printed(script(Map.of("MIXFARM_GPU_CONF", props.toString()), "spark-yarn.sh", "--gpu",
                "--dry-run-submit", "--conf", "spark.driver.extraJavaOptions=-Dfrom.user=1", CONFIG));
        assertEquals(props.toString(), valueOf(w, "--properties-file"));
        Map<String, String> confs = confs(w);
        assertTrue(confs.get("spark.executor.extraJavaOptions").startsWith("-Xss4m -Dfrom.file=1 "), confs.toString());
        assertTrue(confs.get("spark.driver.extraJavaOptions").startsWith("-Dfrom.user=1 "), confs.toString());
        assertCommon(w, CONFIG);
    }

    @Test
    void yarnPrintsSubmitInClientAndClusterMode() throws Exception {
        List<String> w = printed(script(Map.of("MIXFARM_PRINT_ONLY", "1"), "spark-yarn.sh", "--queue", "ml", CONFIG));
        assertEquals("yarn", valueOf(w, "--master"));
        assertEquals("client", valueOf(w, "--deploy-mode"));
        assertEquals("ml", valueOf(w, "--queue"));
        assertCommon(w, CONFIG);

        w = printed(script(Map.of("MIXFARM_PRINT_ONLY", "1"), "spark-yarn.sh", "--deploy-mode", "cluster", CONFIG));
        assertEquals("cluster", valueOf(w, "--deploy-mode"));
        assertEquals(CONFIG, valueOf(w, "--files"));
        assertEquals("1", confs(w).get("spark.yarn.appMasterEnv.OMP_NUM_THREADS"));
        assertCommon(w, "mnist-sample.conf");
    }

    @Test
    void k8sPrintsSubmit() throws Exception {
        List<String> w = printed(script(Map.of("MIXFARM_K8S_UPLOAD_PATH", "s3a://bucket/up"), "spark-k8s.sh",
                "--dry-run-submit", "--master", "k8s://https://api:6443", "--image", "reg/mixfarm:1", CONFIG));
        assertEquals("k8s://https://api:6443", valueOf(w, "--master"));
        assertEquals("cluster", valueOf(w, "--deploy-mode"));
        assertEquals(CONFIG, valueOf(w, "--files"));
        Map<String, String> confs = confs(w);
        assertEquals("reg/mixfarm:1", confs.get("spark.kubernetes.container.image"));
        assertEquals("s3a://bucket/up", confs.get("spark.kubernetes.file.upload.path"));
        assertEquals("1", confs.get("spark.kubernetes.driverEnv.OMP_NUM_THREADS"));
        assertCommon(w, "mnist-sample.conf");

        w = printed(script(Map.of("MIXFARM_K8S_IMAGE", "reg/mixfarm:2"), "spark-k8s.sh", "--dry-run-submit",
                "--master", "k8s://https://api:6443", "--deploy-mode", "client", CONFIG));
        assertEquals("reg/mixfarm:2", confs(w).get("spark.kubernetes.container.image"));
        assertCommon(w, CONFIG);
    }

    @Test
    void gpuDiscoveryPrintsEmptyListWithoutNvidiaSmi(@TempDir Path tmp) throws Exception {
        // A PATH holding only the tools the script needs, none of them nvidia-smi.
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        for (String tool : List.of("bash", "env", "sed")) {
            Path found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                    .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not on PATH"));
            Path wrapper = bin.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec '" + found.toRealPath() + "' \"$@\"\n");
            assertTrue(wrapper.toFile().setExecutable(true));
        }
        Result r = run(Map.of("PATH", bin.toString()), "bash", "-c", SUBMIT.resolve("gpu-discovery.sh").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("gpu", json.get("name").asText());
        assertTrue(json.get("addresses").isArray() && json.get("addresses").isEmpty(), r.out());
        assertTrue(r.err().contains("nvidia-smi"), r.err());
    }

    /** A stand-in spark-submit that records its arguments and then behaves as {@code body} says. */
    private static Path fakeSparkSubmit(Path dir, String body) throws IOException {
        Path fake = dir.resolve("spark-submit");
        Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\n" + body + "\n");
        assertTrue(fake.toFile().setExecutable(true));
        return fake;
    }

    @Test
    void gpuSmokeRunsGpuCheckThroughSparkSubmitAndPassesItsVerdictAndStatusOn(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("mixfarm-cuda.jar"), "not read by the stand-in");
        Path fake = fakeSparkSubmit(tmp, "echo backend=CUDA; echo 'verdict=ok-jit sm_90: ...'; exit 0");
        Result r = script(Map.of("SPARK_SUBMIT", fake.toString(), "MIXFARM_JAR", jar.toString()), "gpu-smoke.sh",
                "--device", "1", "--concurrent", "1,2,4");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().startsWith("jar=" + jar + "\nlauncher=" + fake + "\nnvidia_smi="), r.out());
        assertTrue(r.out().endsWith("backend=CUDA\nverdict=ok-jit sm_90: ...\n"), r.out());
        List<String> args = Files.readAllLines(tmp.resolve("args"));
        assertEquals(List.of("--master", "local[1]", "--class", "io.mixfarm.jobs.cli.Mixfarm", "--driver-java-options",
                ND4J_HELPERS, jar.toString(), "gpu-check", "--device", "1", "--concurrent", "1,2,4"), args);

        // The verdict's status goes through: 3 is the CPU backend.
        fakeSparkSubmit(tmp, "echo 'verdict=cpu-backend (...)'; exit 3");
        assertEquals(3, script(Map.of("SPARK_SUBMIT", fake.toString(), "MIXFARM_JAR", jar.toString()),
                "gpu-smoke.sh").exit());
    }

    @Test
    void gpuSmokeSaysCrashedWhenTheJvmDiesBeforeAVerdict(@TempDir Path tmp) throws Exception {
        Path jar = Files.writeString(tmp.resolve("mixfarm-cuda.jar"), "x");
        Path fake = fakeSparkSubmit(tmp, "echo backend=CUDA; exit 134"); // SIGABRT, as a native crash ends a JVM
        Result r = script(Map.of("SPARK_SUBMIT", fake.toString(), "MIXFARM_JAR", jar.toString()), "gpu-smoke.sh");
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().endsWith("backend=CUDA\nverdict=crashed (the JVM exited with status 134 before a verdict: "
                + "a native crash or a failed start; see the output above)\n"), r.out());
    }

    @Test
    void gpuSmokeWithoutItsJarIsOneLineAndStatusTwo(@TempDir Path tmp) throws Exception {
        Result r = script(Map.of("MIXFARM_JAR", tmp.resolve("missing.jar").toString()), "gpu-smoke.sh");
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("gpu-smoke.sh: jar not found: " + tmp.resolve("missing.jar") + " (build it with mvn -B -Pcuda "
                + "-DskipTests package, or set MIXFARM_JAR)", r.err().strip());
    }

    @Test
    void shellcheckPassesOnEverySubmitScript() throws Exception {
        // The machine image has no shellcheck, and the README's test command must pass there: skip with one
        // visible line. CI installs it after that command and runs submit/lint as its own step.
        if (!onPath("shellcheck")) {
            String line = "SKIPPED shellcheck of submit/: not installed; run it with: apt-get install -y shellcheck && submit/lint";
            System.err.println(line);
            Assumptions.abort(line);
        }
        Result r = script(Map.of(), "lint");
        assertEquals(0, r.exit(), () -> "shellcheck findings:\n" + r.out() + r.err());
        assertTrue(r.out().matches("(?s)lint: shellcheck found nothing in ([89]|[1-9][0-9]) scripts of submit/\\s*"), r.out());
    }

    @Test
    void lintWithoutShellcheckIsOneLineAndStatusTwo(@TempDir Path tmp) throws Exception {
        // A PATH that holds only what the script needs besides shellcheck.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "find", "sort")) {
            Path found = which(tool);
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        Result r = run(Map.of("PATH", bin.toString()), bin.resolve("bash").toString(), SUBMIT.resolve("lint").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("lint: shellcheck is not installed (Debian/Ubuntu: apt-get install -y shellcheck)", r.err().strip());
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static Path which(String tool) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(tool + " not on PATH"));
    }
}
