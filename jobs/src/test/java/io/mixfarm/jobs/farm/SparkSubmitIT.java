package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's cluster path end to end, on a real standalone cluster on this machine: a Master and a Worker made
 * of Spark's own jars only ({@link SparkStandalone}, {@link SparkHome}), and {@code submit/spark-standalone.sh}
 * run for real, whose {@code spark-submit} is Spark's launcher and {@code org.apache.spark.deploy.SparkSubmit}.
 * So the shaded jar ({@code jobs/target/mixfarm.jar}, built at package; this test runs at integration-test)
 * must bring everything but Spark to the driver and to executor JVMs that have nothing else, and every planned
 * trial must land complete. No GPU is requested: Spark would wait for one forever.
 */
class SparkSubmitIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final int TRIALS = 2;
    private static final List<String> SCHEDULES = List.of("Const", "LR-decay"); // conf/mnist-tiny.conf's
    private static final int EPOCHS = 4;
    private static final int RECORD_EPOCHS = 2; // record-every = 2 of 4 epochs
    private static final int TEST_IMAGES = 200;

    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theStandaloneScriptSubmitsTheShadedJarAndTheExperimentCompletes() throws Exception {
        Path jar = Path.of(System.getProperty("mixfarm.jar"));
        assertTrue(Files.isRegularFile(jar), "the shaded jar is built at package: " + jar);
        Dataset sample = EmbeddedSample.load();
        Path data = tmp.resolve("mnist-slice");
        IdxWriter.writeFolder(data, new Dataset("slice", sample.train().slice(0, 600),
                sample.test().slice(0, TEST_IMAGES)));
        Path out = tmp.resolve("out");

        ProcessResult submit;
        try (SparkStandalone cluster = SparkStandalone.start(tmp.resolve("cluster"), 2, "3g", SparkHome.sparkJars())) {
            // What a user types, plus this machine's settings: two one-core executors in 1 GB, no UI.
            List<String> command = new ArrayList<>(List.of(ROOT.resolve("submit/spark-standalone.sh").toString(),
                    "--master", cluster.masterUrl(), "--executor-memory", "1g", "--conf", "spark.executor.cores=1",
                    "--conf", "spark.ui.enabled=false", ROOT.resolve("conf/mnist-tiny.conf").toString(),
                    "--out", out.toString(), "--trials", Integer.toString(TRIALS),
                    "--set", "model.width=2", "--set", "data=\"mnist:" + data + "\"",
                    // The farm only: the TV job and the report after it double the time; they have their tests.
                    "--no-analysis"));
            Map<String, String> env = cluster.home().environment(Files.createDirectories(tmp.resolve("driver")));
            env.put("MIXFARM_JAR", jar.toString());
            submit = ProcessResult.run(command, env, tmp.resolve("submit.log"), 5);
            assertEquals(0, submit.exit(), () -> "spark-standalone.sh failed:\n" + submit.output() + cluster.logs());
            // The trials ran in executor JVMs that the Worker launched, not in the driver.
            assertTrue(cluster.executorWorkDirs().size() >= 1, "executors launched: " + cluster.executorWorkDirs()
                    + "\n" + cluster.logs());
        }

        String output = submit.output();
        // The farm's own lines (Spark's log lines left out), for whoever reads the build log.
        System.out.println("SparkSubmitIT: spark-standalone.sh printed:\n" + output.lines()
                .filter(l -> !l.matches("\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d (INFO|WARN) .*"))
                .collect(java.util.stream.Collectors.joining("\n")));
        int trials = TRIALS * SCHEDULES.size();
        assertTrue(output.contains("farm finished: " + trials + " trials ran (0 failed, 0 diverged), 0 were already "
                + "complete, " + trials + " planned"), output);
        // The outputs, read by DuckDB: every planned trial succeeded once, with all its predictions and metrics.
        List<List<String>> expected = new ArrayList<>();
        for (String schedule : SCHEDULES) {
            for (int t = 0; t < TRIALS; t++) {
                expected.add(List.of(schedule, Integer.toString(t), "1", "succeeded", "cpu:1-threads"));
            }
        }
        assertEquals(expected, Duck.query("SELECT schedule, trial, count(*), max(status), max(device) FROM "
                + Duck.table(out, "trials") + " GROUP BY ALL ORDER BY ALL"));
        long predictions = (long) trials * RECORD_EPOCHS * TEST_IMAGES;
        assertEquals(List.of(List.of(Long.toString(predictions), Long.toString(predictions), "2", "4")),
                Duck.query("SELECT count(*), count(DISTINCT (schedule, epoch, trial, image)), min(epoch), max(epoch) "
                        + "FROM " + Duck.table(out, "predictions")));
        assertEquals(List.of(List.of(Long.toString((long) trials * EPOCHS), "0")),
                Duck.query("SELECT count(*), count(*) FILTER (WHERE NOT isfinite(train_loss)) FROM "
                        + Duck.table(out, "metrics")));
        String manifest = Files.readString(out.resolve("experiment.json"));
        assertTrue(manifest.contains("spark://127.0.0.1:"), "the manifest names the standalone master: " + manifest);
    }

    /** A finished child process: its exit status and its output (stdout and stderr together). */
    record ProcessResult(int exit, String output) {

        static ProcessResult run(List<String> command, Map<String, String> env, Path log, int minutes)
                throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("timed out after " + minutes + " min: " + String.join(" ", command) + "\n" + Files.readString(log));
            }
            return new ProcessResult(process.exitValue(), Files.readString(log));
        }
    }
}
