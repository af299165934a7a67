package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.FloorProjection;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Seeds;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mixfarm run CONFIG --dry-run --power-from DIR} on a real pilot folder (a tiny farm of 4 trials per schedule):
 * the README's command prints the projected floors, they are {@link FloorProjection}'s on the pilot's predictions at
 * the points that matter, and bad input is one line.
 */
class PowerProjectionTest {

    @TempDir
    static Path dir;
    private static Path pilot;

    private static final Path README = Path.of("..", "README.md");
    /** The folder the README's command names, replaced here by the tiny pilot. */
    private static final String README_PILOT = "runs/mnist-mixing-pilot";

    @BeforeAll
    static void farm() {
        pilot = TinyFarm.run(dir, 4);
    }

    /** What a {@code mixfarm} command printed, and its status. */
    private record Run(int status, List<String> out, List<String> err) {
    }

    private static Run mixfarm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString().lines().toList(), err.toString().lines().toList());
    }

    @Test
    void theReadmeCommandPrintsTheProjectedFloorOfEverySchedule() throws IOException {
        String line = Files.readAllLines(README).stream().map(String::strip)
                .filter(l -> l.startsWith("./submit/mixfarm run ") && l.contains("--power-from " + README_PILOT))
                .findFirst()
                .orElseThrow(() -> new AssertionError("README.md shows no --power-from command"));
        assertTrue(line.contains(README_PILOT), line);
        List<String> args = new ArrayList<>();
        for (String word : line.substring("./submit/mixfarm ".length()).split("\\s+")) {
            args.add(word.equals(README_PILOT) ? pilot.toString() : word.startsWith("conf/") ? "../" + word : word);
        }
        Run run = mixfarm(args.toArray(String[]::new));
        assertEquals(0, run.status(), run.out() + "\n" + run.err());

        List<String> out = run.out();
        int header = IntStream.range(0, out.size()).filter(i -> out.get(i).startsWith("power from ")).findFirst()
                .orElseThrow(() -> new AssertionError(out.toString()));
        assertTrue(out.get(header).startsWith("power from " + pilot + " (tiny, on mnist:"), out.get(header));
        assertTrue(out.get(header).endsWith("level 0.05"), out.get(header));
        assertEquals(List.of("schedule", "pilot", "record", "points", "n=20", "n=50", "n=100", "n=200", "n=500",
                "n=1000"), List.of(out.get(header + 1).strip().split("\\s+")));
        for (int row = 0; row < 2; row++) {
            String printed = out.get(header + 2 + row);
            // The last record epoch's end (5 steps per epoch), the only curve epoch of two one-phase schedules.
            assertTrue(printed.matches("\\s+" + (row == 0 ? "low" : "high") + "\\s+4\\s+epoch 2, step 10\\s.*"),
                    printed);
            String[] words = printed.strip().split("\\s+");
            double[] floors = Arrays.stream(words, words.length - 6, words.length).mapToDouble(Double::parseDouble)
                    .toArray();
            for (int i = 1; i < floors.length; i++) {
                assertTrue(floors[i] < floors[i - 1] && floors[i] > 0, "falls with n: " + printed);
            }
        }
        String verdict = out.get(header + 4);
        assertTrue(verdict.startsWith("n = ") && out.get(header + 5).matches("at \\d+ trials per schedule: cost: "
                + "[0-9,]+ trial-epochs; images unknown until the data is readable.*")
                || verdict.startsWith("no n up to 1000 brings every schedule's floor below 0.05"), out.toString());
    }

    @Test
    void theFloorsAreTheProjectionOfThePilotsPredictionsAndTheirCountHasItsCost() {
        ExperimentConfig sample = ExperimentConfig.load(Path.of("..", "conf", "mnist-sample.conf"), List.of());
        PowerProjection.Result result = PowerProjection.project(pilot.toString(), sample, 0.9);
        ExperimentStore store = new ExperimentStore(pilot.toString(), new Configuration());
        long seed = ExperimentFolder.at(pilot.toString(), new Configuration()).recordedConfig().seed();
        int[] ns = result.ns();
        for (PowerProjection.ScheduleFloor schedule : result.schedules()) {
            byte[][] rows = new byte[4][];
            for (int trial = 0; trial < 4; trial++) {
                rows[trial] = store.predictions(schedule.schedule(), trial, 2).orElseThrow();
            }
            PredictionMatrix matrix = PredictionMatrix.of(10, new int[] {0, 1, 2, 3}, rows);
            double[] expected = new FloorProjection(Seeds.comparisonSeed(seed, schedule.schedule(),
                    schedule.schedule(), 2), 20).project(matrix, ns).floors();
            assertArrayEquals(expected, schedule.floors(), 0, schedule.schedule());
        }
        assertEquals(20, result.needed().orElseThrow(), "every floor is below 0.9 at the smallest count");

        // The embedded sample is MNIST's digits: a pilot on an MNIST folder speaks for it, and its data is readable,
        // so the count's cost is in images.
        Run run = mixfarm("run", "../conf/mnist-sample.conf", "--dry-run", "--power-from", pilot.toString(),
                "--floor", "0.9");
        assertEquals(0, run.status(), run.err().toString());
        assertTrue(run.out().contains("at 20 trials per schedule: 60 trials x 8 epochs = 480 trial-epochs, training "
                + "on 3,840,000 images and predicting 960,000 test images (8,000 train and 2,000 test images per "
                + "trial-epoch)."), run.out().toString());
    }

    @Test
    void badInputIsOneLine() throws IOException {
        String sample = "../conf/mnist-sample.conf";
        Path missing = dir.resolve("missing");
        assertOneLine(missing + ": no such folder (--power-from needs the output folder of a run)",
                "run", sample, "--dry-run", "--power-from", missing.toString());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertOneLine(empty + " holds no experiment (no experiment.json): --power-from needs the output folder of a "
                + "run", "run", sample, "--dry-run", "--power-from", empty.toString());
        Path noTrials = Files.createDirectories(dir.resolve("no-trials"));
        Files.copy(pilot.resolve("experiment.json"), noTrials.resolve("experiment.json"));
        assertOneLine(noTrials + " has no predictions to project from: no schedule has 4 finished trials (finished: "
                + "none)", "run", sample, "--dry-run", "--power-from", noTrials.toString());
        Run cifar = mixfarm("run", "../conf/cifar10-tiny.conf", "--dry-run", "--power-from", pilot.toString());
        assertEquals(2, cifar.status());
        assertEquals(1, cifar.err().size(), cifar.err().toString());
        assertTrue(cifar.err().get(0).matches("mixfarm: .* was run on mnist:.*, another data set than this "
                + "experiment's cifar10:.*: its noise floor says nothing about this one"), cifar.err().get(0));
        assertOneLine("--power-from goes with --dry-run", "run", sample, "--power-from", pilot.toString());
        assertOneLine("--floor goes with --power-from", "run", sample, "--dry-run", "--floor", "0.1");
        assertOneLine("--floor must be between 0 and 1, got 1.5", "run", sample, "--dry-run", "--power-from",
                pilot.toString(), "--floor", "1.5");
    }

    @Test
    void aStudysFloorMattersAfterItsForksAndAPlainExperimentsAtTheEndsOfItsPhases() {
        ExperimentConfig study = ExperimentConfig.load(Path.of("..", "conf", "mnist-mixing-sample.conf"), List.of());
        List<TvJob.Point> ends = study.recordEpochs().stream().map(e -> new TvJob.Point(e, (long) e * 63, true))
                .toList();
        for (String schedule : List.of("R-0.04", "P-0.01")) {
            assertEquals(List.of(13, 14, 15, 16, 17, 18), PowerProjection.pointsThatMatter(study, schedule, ends).stream()
                    .map(TvJob.Point::epoch).toList(), "after the perturbation after epoch 12: " + schedule);
        }
        ExperimentConfig paper = ExperimentConfig.load(Path.of("..", "conf", "mnist-paper.conf"), List.of());
        List<TvJob.Point> every = paper.recordEpochs().stream().map(e -> new TvJob.Point(e, null, true)).toList();
        assertEquals(List.of(40, 80, 120, 200), PowerProjection.pointsThatMatter(paper, "Const", every).stream()
                .map(TvJob.Point::epoch).toList(), "the last record epoch of each of figure 3's phases");
    }

    private static void assertOneLine(String message, String... args) {
        Run run = mixfarm(args);
        assertEquals(2, run.status(), run.out() + "\n" + run.err());
        assertEquals(List.of("mixfarm: " + message), run.err());
    }
}
