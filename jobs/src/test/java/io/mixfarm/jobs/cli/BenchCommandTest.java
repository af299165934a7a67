package io.mixfarm.jobs.cli;

import io.mixfarm.core.bench.CpuPeak;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.core.trial.TrialRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mixfarm bench} with tiny settings: every figure is printed, once, as a positive finite number. */
class BenchCommandTest {

    private static final List<String> TRIAL_KEYS = List.of("load_1m_end", "threads", "width", "batch_size",
            "warmup_steps", "timed_steps", "repeats", "train_images_per_s", "train_images_per_s_mean",
            "train_images_per_cpu_s", "train_step_ms", "test_images", "predict_chunk", "predict_images_per_s",
            "predict_images_per_s_mean", "predict_images_per_cpu_s", "train_flops_per_image",
            "predict_flops_per_image", "train_gflops_per_s", "predict_gflops_per_s", "peak_gflops_per_s",
            "train_share_of_peak", "predict_share_of_peak", "predict_10k_share_of_60k_epoch", "peak_rss_bytes",
            "trial_rss_bytes", "nd4j_workspace_bytes", "heap_peak_bytes");
    private static final List<String> FARM_KEYS = List.of("farm_trials", "farm_epochs", "farm_slots", "farm_wall_s",
            "farm_trial_s_mean", "farm_trials_per_hour", "farm_overhead", "solo_trial_s",
            "solo_next_trial_s", "solo_sequential_s",
            "solo_trial_train_images_per_s", "farm_speedup_over_solo", "farm_speedup_over_solo_min",
            "farm_speedup_over_solo_max");

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void clearSpark() {
        System.clearProperty("spark.master");
        System.clearProperty("spark.ui.enabled");
    }

    private Map<String, String> bench(String... args) {
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args), err.toString());
        Map<String, String> figures = new LinkedHashMap<>();
        for (String line : out.toString().strip().split("\n")) {
            String[] kv = line.split("=", 2);
            assertEquals(2, kv.length, "not name=value: " + line);
            assertTrue(kv[0].matches("[a-z0-9_]+"), "name " + kv[0]);
            assertEquals(null, figures.put(kv[0], kv[1]), kv[0] + " printed twice");
        }
        return figures;
    }

    private static void assertPositiveFinite(Map<String, String> figures, List<String> keys) {
        for (String key : keys) {
            assertTrue(figures.containsKey(key), key + " missing from " + figures.keySet());
            double value = Double.parseDouble(figures.get(key));
            assertTrue(value > 0 && Double.isFinite(value), key + "=" + figures.get(key));
        }
    }

    /** A 512/300 slice of the embedded sample as an MNIST folder, so the farm's trials take a second. */
    private String slice() {
        Dataset sample = EmbeddedSample.load();
        Path dir = tmp.resolve("data");
        IdxWriter.writeFolder(dir, new Dataset("slice", sample.train().slice(0, 512), sample.test().slice(0, 300)));
        return "mnist:" + dir;
    }

    @Test
    void printsEveryTrialAndFarmFigure() {
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        Map<String, String> figures = bench("bench", "--data", slice(), "--width", "2", "--batch-size", "32",
                "--warmup", "1", "--steps", "2", "--repeats", "2", "--farm-trials", "3", "--farm-epochs", "1",
                "--farm-repeats", "2");
        assertPositiveFinite(figures, TRIAL_KEYS);
        assertPositiveFinite(figures, FARM_KEYS);
        assertTrue(figures.containsKey("load_1m_start"));
        assertEquals("1", figures.get("threads"), "surefire runs with OMP_NUM_THREADS=1");
        assertEquals("300", figures.get("test_images"));
        assertEquals(Integer.toString(TrialRunner.EVAL_CHUNK), figures.get("predict_chunk"),
                "the trial runner's chunk by default");
        assertEquals("3", figures.get("farm_trials"));
        assertEquals("2", figures.get("farm_slots"));
        assertEquals("2", figures.get("farm_repeats"));
        double min = Double.parseDouble(figures.get("farm_speedup_over_solo_min"));
        double median = Double.parseDouble(figures.get("farm_speedup_over_solo"));
        assertTrue(min <= median && median <= Double.parseDouble(figures.get("farm_speedup_over_solo_max")));
        List<Double> rounds = List.of(1, 2).stream().map(i -> {
            String prefix = "farm_round" + i + "_";
            assertPositiveFinite(figures, List.of(prefix + "wall_s", prefix + "solo_sequential_s"));
            double speedup = Double.parseDouble(figures.get(prefix + "speedup_over_solo"));
            double sequential = Double.parseDouble(figures.get(prefix + "solo_sequential_s"));
            double wall = Double.parseDouble(figures.get(prefix + "wall_s"));
            // The times are printed to 0.01 s and the speedup to 0.001: the ratio of the exact times lies between
            // these bounds (this tiny farm's times are a fraction of a second, so the rounding is not negligible).
            double half = 0.005;
            assertTrue((sequential - half) / (wall + half) - 0.0005 <= speedup
                            && speedup <= (sequential + half) / (wall - half) + 0.0005,
                    "a round's speedup is its lone trials' time over its farm's wall: " + speedup + " against "
                            + sequential + " / " + wall);
            return speedup;
        }).sorted().toList();
        assertEquals(min, rounds.get(0), 1e-9);
        assertFalse(figures.containsKey("farm_round3_wall_s"), "two rounds were asked for");
        // The FLOP count of width 2 (FlopCountTest counts it by hand).
        assertEquals("325472", figures.get("train_flops_per_image"));
        assertEquals("116656", figures.get("predict_flops_per_image"));
        double gflops = Double.parseDouble(figures.get("train_images_per_s")) * 325_472 / 1e9;
        assertEquals(gflops, Double.parseDouble(figures.get("train_gflops_per_s")), 0.006);
        // The default peak is the development machine's measured one, for each of the trial's threads.
        assertEquals(CpuPeak.DEVELOPMENT_MACHINE_GFLOPS_PER_CORE * Integer.parseInt(figures.get("threads")),
                Double.parseDouble(figures.get("peak_gflops_per_s")));
    }

    @Test
    void skipFarmPrintsTheTrialFiguresOnly() {
        Map<String, String> figures = bench("bench", "--data", slice(), "--width", "2", "--batch-size", "32",
                "--warmup", "1", "--steps", "1", "--repeats", "1", "--skip-farm", "--peak-gflops-per-core", "10",
                "--predict-chunk", "128");
        assertPositiveFinite(figures, TRIAL_KEYS);
        assertFalse(figures.keySet().stream().anyMatch(k -> k.startsWith("farm_") || k.startsWith("solo_")),
                figures.keySet().toString());
        assertEquals(10.0, Double.parseDouble(figures.get("peak_gflops_per_s")));
        assertEquals("128", figures.get("predict_chunk"));
    }
}
