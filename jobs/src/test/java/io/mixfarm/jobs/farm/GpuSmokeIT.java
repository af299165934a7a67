package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.gpu.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submit/gpu-smoke.sh} with the shaded CPU jar on this GPU-less machine, both ways it launches: through
 * spark-submit (as on a cluster node) and, without one, plain java with the build's Spark jars. It must train,
 * report the CPU backend cleanly and exit with the documented status 3.
 */
class GpuSmokeIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SMALL = List.of("--width", "2", "--train-images", "256", "--test-images", "100",
            "--batch-size", "64");

    @TempDir
    Path tmp;

    private static Map<String, String> values(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        output.lines().filter(l -> l.matches("[a-z0-9_]+=.*")).forEach(l -> values.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return values;
    }

    private SparkSubmitIT.ProcessResult smoke(Map<String, String> env) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("submit/gpu-smoke.sh").toString()));
        command.addAll(SMALL);
        env.put("MIXFARM_JAR", System.getProperty("mixfarm.jar"));
        return SparkSubmitIT.ProcessResult.run(command, env, Files.createTempFile(tmp, "smoke", ".log"), 3);
    }

    private static void assertCpuReport(SparkSubmitIT.ProcessResult result) {
        assertEquals(Verdict.CPU, result.exit(), result.output());
        Map<String, String> v = values(result.output());
        assertEquals(System.getProperty("mixfarm.jar"), v.get("jar"));
        assertEquals("CPU", v.get("backend"));
        assertEquals("none", v.get("compute_capability"));
        assertTrue(Double.parseDouble(v.get("train_images_per_second")) > 0, result.output());
        assertTrue(Double.parseDouble(v.get("test_error")) < 1, result.output());
        assertTrue(v.get("verdict").startsWith("cpu-backend (this jar/node runs ND4J on CPU: no GPU is used"),
                result.output());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void throughSparkSubmitTheCpuJarReportsTheCpuBackendWithStatusThree() throws Exception {
        try (SparkHome home = SparkHome.create(tmp.resolve("spark-home"), SparkHome.sparkJars())) {
            Map<String, String> env = home.environment(Files.createDirectories(tmp.resolve("local")));
            SparkSubmitIT.ProcessResult result = smoke(env);
            assertEquals(home.sparkSubmit().toString(), values(result.output()).get("launcher"), result.output());
            assertCpuReport(result);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void withoutSparkSubmitItRunsJavaWithTheBuildsSparkJars() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.equals("MIXFARM_JAR") || k.equals("JAVA_OPTS"));
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin"); // no spark-submit on it here
        env.put("JAVA_HOME", System.getProperty("java.home"));
        SparkSubmitIT.ProcessResult result = smoke(env);
        assertTrue(values(result.output()).get("launcher").endsWith("/bin/java"), result.output());
        assertCpuReport(result);
    }
}
