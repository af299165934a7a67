package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.gpu.Verdict;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mixfarm gpu-check} on this CPU-only machine: it trains, measures, and says that no GPU is used. */
class GpuCheckCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** The printed {@code name=value} lines; every line must be one. */
    private Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.toString().strip().split("\n")) {
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not name=value: " + line);
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    @Test
    void onTheCpuBackendItMeasuresAndReportsCpuBackendWithStatusThree() {
        int status = run("gpu-check", "--width", "2", "--train-images", "256", "--test-images", "100",
                "--batch-size", "64", "--concurrent", "1,2");
        assertEquals(Verdict.CPU, status, err.toString() + out);
        Map<String, String> v = values();
        assertEquals("CPU", v.get("backend"));
        assertEquals("cpu", v.get("device"));
        assertEquals("none", v.get("compute_capability"));
        assertEquals("sm_86", v.get("kernels_up_to"));
        assertEquals("mnist-sample: 256 train / 100 test images, one epoch", v.get("data"));
        for (String key : new String[] {"train_images_per_second", "predict_images_per_second",
                "concurrent_1_images_per_second", "concurrent_2_images_per_second", "offheap_peak_bytes",
                "concurrent_2_physical_peak_bytes"}) {
            assertTrue(Double.parseDouble(v.get(key)) > 0, key + "=" + v.get(key));
        }
        assertTrue(v.get("verdict").startsWith("cpu-backend (this jar/node runs ND4J on CPU: no GPU is used"),
                v.get("verdict"));
        assertEquals("verdict", v.keySet().stream().reduce((a, b) -> b).orElseThrow(), "the verdict comes last");
    }

    @Test
    void badOptionsAreOneLineAndStatusTwo() {
        assertEquals(2, run("gpu-check", "--concurrent", "0"));
        assertEquals("mixfarm: --concurrent takes positive trial counts, got [0]", err.toString().strip());
    }
}
