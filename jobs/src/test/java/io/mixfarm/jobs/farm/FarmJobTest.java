package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.BuildInfo;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.store.TrialRecord;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The farm end to end in Spark local mode: 2 schedules x 3 trials of a width-4 CNN on a 600/200-image slice of
 * the embedded MNIST sample, read back with Spark SQL and with DuckDB.
 */
class FarmJobTest {

    @TempDir
    static Path shared;
    private static Path dataDir;
    private static Dataset slice;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeSlice() {
        Dataset sample = EmbeddedSample.load();
        slice = new Dataset("slice", sample.train().slice(0, 600), sample.test().slice(0, 200));
        dataDir = shared.resolve("mnist-slice");
        IdxWriter.writeFolder(dataDir, slice);
        System.setProperty("spark.ui.enabled", "false");
    }

    @AfterEach
    void clearMaster() {
        System.clearProperty("spark.master");
    }

    static ExperimentConfig config(Path out, String... extra) {
        List<String> overrides = new java.util.ArrayList<>(List.of(
                "name=farm-test", "data=\"mnist:" + dataDir + "\"", "model.width=4", "epochs=4", "record-every=2",
                "schedules=[Const, LR-decay]", "trials=3", "output=\"" + out + "\""));
        overrides.addAll(List.of(extra));
        return ExperimentConfig.load(null, overrides);
    }

    static FarmReport farm(String master, ExperimentConfig config, FarmOptions options) {
        System.setProperty("spark.master", master);
        return new FarmJob(new PrintStream(new ByteArrayOutputStream(), true)).run(config, options);
    }

    @Test
    void runsEveryTrialAndItsOutputsReadBackWithSparkSqlAndDuckDb() {
        Path out = tmp.resolve("out");
        ExperimentConfig config = config(out);
        FarmReport report = farm("local[2]", config, FarmOptions.DEFAULT);

        assertEquals(6, report.outcomes().size());
        assertTrue(report.failed().isEmpty(), report.failed().toString());
        // 6 trials x record epochs {2, 4} x 200 test images.
        assertEquals(2400, Duck.count("SELECT count(*) FROM " + Duck.table(out, "predictions")));
        assertEquals(List.of(List.of("Const", "2", "600"), List.of("Const", "4", "600"), List.of("LR-decay", "2", "600"),
                        List.of("LR-decay", "4", "600")),
                Duck.query("SELECT schedule, epoch, count(*) FROM " + Duck.table(out, "predictions")
                        + " GROUP BY ALL ORDER BY ALL"));
        assertEquals(24, Duck.count("SELECT count(*) FROM " + Duck.table(out, "metrics")));
        assertEquals(6, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials") + " WHERE status = 'succeeded'"));

        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            var predictions = spark.read().parquet(out.resolve("predictions").toString());
            assertEquals(2400, predictions.count());
            assertEquals(DataTypes.ByteType, predictions.schema().apply("predicted").dataType());
            assertTrue(List.of(predictions.columns()).containsAll(List.of("schedule", "epoch", "trial", "image")));
            Row errors = spark.read().parquet(out.resolve("metrics").toString())
                    .where("epoch = 4").selectExpr("count(*)", "avg(test_error)").first();
            assertEquals(6L, errors.getLong(0));
            assertTrue(errors.getDouble(1) < 0.9, "the tiny CNN learned something");
        } finally {
            spark.stop();
        }

        // The stored predictions are exactly the trial runner's own, for the same seed.
        TrialKey key = new TrialKey("LR-decay", 2);
        TrialResult direct = new TrialRunner().run(config.planned(key).spec(), slice, TrialObserver.NONE);
        for (EpochPredictions expected : direct.predictions()) {
            assertEquals(asList(expected.predicted()), storedPredictions(out, key, expected.epoch()));
        }

        // And `mixfarm trial --from` reproduces a trial from the folder alone, bit for bit.
        StringWriter printed = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(printed));
        int status = cli.execute("trial", "--from", out.toString(), "--schedule", "Const", "--trial", "1");
        assertEquals(0, status, printed.toString());
        assertTrue(printed.toString().contains("epoch 2: predictions identical to the farm's (200 images)"), printed.toString());
        assertTrue(printed.toString().contains("epoch 4: predictions identical to the farm's (200 images)"), printed.toString());
    }

    @Test
    void resumeRecomputesOnlyTheMissingTrialAndGetsIdenticalResults() {
        Path out = tmp.resolve("out");
        ExperimentConfig config = config(out);
        farm("local[2]", config, FarmOptions.DEFAULT);
        Map<String, List<List<String>>> before = snapshot(out);

        new ExperimentStore(out.toString(), new Configuration()).deleteTrial("Const", 1);
        FarmReport again = farm("local[2]", config, FarmOptions.DEFAULT);

        assertEquals(List.of(new TrialKey("Const", 1)), again.outcomes().stream().map(TrialRecord::key).toList());
        assertEquals(5, again.skipped());
        assertEquals(before, snapshot(out));
        assertEquals(0, farm("local[2]", config, FarmOptions.DEFAULT).outcomes().size(), "nothing left to run");
    }

    @Test
    void aTrialThatFailsOnceIsRetriedAndOneThatAlwaysFailsIsReportedWhileTheOthersLand() {
        Path out = tmp.resolve("out");
        FarmReport report = farm("local[2,2]", config(out),
                FarmOptions.withFaults(Faults.parse("Const/1=1,LR-decay/0=always")));

        TrialRecord retried = report.outcomes().stream().filter(o -> o.key().equals(new TrialKey("Const", 1)))
                .findFirst().orElseThrow();
        assertTrue(retried.isSucceeded());
        assertEquals(1, retried.attempt());
        assertEquals(List.of(new TrialKey("LR-decay", 0)), report.failed().stream().map(TrialRecord::key).toList());
        assertTrue(report.failed().get(0).error().contains("injected failure"), report.failed().get(0).error());

        assertEquals(400, Duck.count("SELECT count(*) FROM " + Duck.table(out, "predictions")
                + " WHERE schedule = 'Const' AND trial = 1"), "the retried trial's outputs are complete and single");
        assertEquals(List.of(List.of("failed", "1")), Duck.query("SELECT status, count(*) FROM "
                + Duck.table(out, "trials") + " WHERE schedule = 'LR-decay' AND trial = 0 GROUP BY ALL"));
        assertEquals(0, Duck.count("SELECT count(*) FROM " + Duck.table(out, "predictions")
                + " WHERE schedule = 'LR-decay' AND trial = 0"));
        assertEquals(5, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials") + " WHERE status = 'succeeded'"));

        // Resume reruns the failed trial (now without the fault) and replaces its failed row.
        FarmReport resumed = farm("local[2]", config(out), FarmOptions.DEFAULT);
        assertEquals(List.of(new TrialKey("LR-decay", 0)), resumed.outcomes().stream().map(TrialRecord::key).toList());
        assertEquals(6, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials") + " WHERE status = 'succeeded'"));
        assertEquals(6, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials")));
    }

    @Test
    void aTrialThatRunsOutOfMemoryCostsOneTrialNotTheRun() {
        // An OutOfMemoryError escaping a task makes Spark's executor exit, and in local mode that is this JVM.
        Path out = tmp.resolve("out");
        FarmReport report = farm("local[2,2]", config(out, "trials=2"),
                FarmOptions.withFaults(Faults.parse("LR-decay/1=always:oom")));

        assertEquals(4, report.outcomes().size());
        assertEquals(List.of(new TrialKey("LR-decay", 1)), report.failed().stream().map(TrialRecord::key).toList());
        assertEquals(1, report.failed().get(0).attempt(), "retried once, then recorded");
        assertEquals(List.of(List.of("LR-decay", "1", "failed", "OutOfMemoryError: injected failure of trial "
                        + "LR-decay/1 on attempt 1")),
                Duck.query("SELECT schedule, trial, status, error FROM " + Duck.table(out, "trials")
                        + " WHERE status <> 'succeeded'"));
        assertEquals(3, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials")
                + " WHERE status = 'succeeded'"));
    }

    @Test
    void aConfigThatDoesNotMatchTheOutputFolderIsRefusedAndNothingChanges() throws IOException {
        Path out = tmp.resolve("out");
        farm("local[2]", config(out, "trials=1"), FarmOptions.DEFAULT);
        Map<String, Long> before = listing(out);

        ExperimentException refused = assertThrows(ExperimentException.class,
                () -> farm("local[2]", config(out, "trials=1", "model.width=5"), FarmOptions.DEFAULT));
        assertTrue(refused.getMessage().contains("holds another experiment"), refused.getMessage());
        assertEquals(before, listing(out));

        // More trials of the same experiment are welcome: seeds do not depend on the count.
        FarmReport more = farm("local[2]", config(out, "trials=2"), FarmOptions.DEFAULT);
        assertEquals(2, more.outcomes().size());
        assertEquals(2, more.skipped());
    }

    @Test
    void theSameConfigGivesBitwiseIdenticalPredictionsUnderLocal1AndLocal2() {
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        farm("local[1]", config(one), FarmOptions.DEFAULT);
        farm("local[2]", config(two), FarmOptions.DEFAULT);
        assertEquals(snapshot(one).get("predictions"), snapshot(two).get("predictions"));
        assertEquals(2400, snapshot(one).get("predictions").size());
    }

    private static List<Integer> asList(byte[] values) {
        List<Integer> list = new java.util.ArrayList<>(values.length);
        for (byte b : values) {
            list.add((int) b);
        }
        return list;
    }

    private static List<Integer> storedPredictions(Path out, TrialKey key, int epoch) {
        return Duck.query("SELECT predicted FROM " + Duck.table(out, "predictions") + " WHERE schedule = '"
                        + key.schedule() + "' AND trial = " + key.trial() + " AND epoch = " + epoch + " ORDER BY image")
                .stream().map(row -> Integer.parseInt(row.get(0))).toList();
    }

    /** Every prediction and every deterministic metric, in a canonical order. */
    private static Map<String, List<List<String>>> snapshot(Path out) {
        Map<String, List<List<String>>> map = new TreeMap<>();
        map.put("predictions", Duck.query("SELECT schedule, epoch, trial, image, predicted, label FROM "
                + Duck.table(out, "predictions") + " ORDER BY ALL"));
        map.put("metrics", Duck.query("SELECT schedule, trial, epoch, lr, wd, train_loss, train_error, test_loss, "
                + "test_error, norm, effective_lr FROM " + Duck.table(out, "metrics") + " ORDER BY ALL"));
        return map;
    }

    private static Map<String, Long> listing(Path out) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(out)) {
            walk.filter(Files::isRegularFile).forEach(p -> files.put(out.relativize(p).toString(), p.toFile().lastModified()));
        }
        return files;
    }
}
