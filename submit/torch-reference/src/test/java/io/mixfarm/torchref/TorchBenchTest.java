package io.mixfarm.torchref;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark with DL4J alone: it must not need libtorch (which is on the classpath only with {@code -Ptorch}, so
 * in the default build loading it fails), and it prints the peak resident set of that one engine's trial.
 */
class TorchBenchTest {

    @Test
    void dl4jAloneLoadsNoLibtorchAndPrintsItsPeakResidentSet() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = new CommandLine(new TorchBench(new PrintStream(bytes, true, StandardCharsets.UTF_8))).execute(
                "--architecture", "vgg16", "--width", "2", "--batch-size", "8", "--test-images", "16",
                "--predict-chunk", "8", "--engines", "dl4j", "--skip-equivalence", "--warmup", "0", "--steps", "1",
                "--repeats", "1", "--rounds", "1");
        Map<String, String> figures = figures(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(0, status, figures.toString());
        assertEquals("vgg16", figures.get("architecture"));
        assertEquals("fused", figures.get("kernels"));
        assertFalse(figures.containsKey("torch_threads"), figures.toString());
        assertFalse(figures.containsKey("torch_peak_rss_bytes"), figures.toString());
        assertTrue(Long.parseLong(figures.get("dl4j_peak_rss_bytes")) > 0, figures.toString());
        assertEquals("16", figures.get("test_images"));
        assertEquals("1", figures.get("warmup_rounds"), "one untimed round by default");
        // Issue 15's bar is printed for a CIFAR network (its value is a timing: not asserted).
        assertTrue(figures.containsKey("dl4j_predict_10k_share_of_50k_epoch"), figures.toString());
    }

    @Test
    void aNegativeCountOfWarmUpRoundsIsRefused() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine command = new CommandLine(new TorchBench(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        command.setErr(new PrintWriter(errors, true, StandardCharsets.UTF_8));
        int status = command.execute("--architecture", "vgg16", "--engines", "dl4j", "--warmup-rounds", "-1");
        assertEquals(2, status);
        assertTrue(errors.toString(StandardCharsets.UTF_8).contains("--warmup-rounds takes 0 or more, got -1"),
                errors.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> figures(String output) {
        Map<String, String> figures = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                figures.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("\\s+#.*", "").trim());
            }
        }
        return figures;
    }
}
