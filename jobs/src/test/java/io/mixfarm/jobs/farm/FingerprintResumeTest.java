package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.DatasetSpec;
import io.mixfarm.core.data.DigestCache;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.BuildInfo;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.sql.SqlQuery;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialRows;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One experiment, one implementation, one data set: every trial row records both fingerprints, and a resume that
 * would mix data is refused, one that would mix implementations refused unless allowed, and then said per schedule.
 */
class FingerprintResumeTest {

    @TempDir
    Path dir;

    private Path data;
    private Path out;

    @BeforeEach
    void setUp() {
        data = dir.resolve("data");
        out = dir.resolve("out");
        writeData(0);
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
    }

    @AfterEach
    void clearMaster() {
        System.clearProperty("spark.master");
    }

    /** A 300/100 slice of the embedded sample starting at train image {@code from}. */
    private void writeData(int from) {
        Dataset sample = EmbeddedSample.load();
        IdxWriter.writeFolder(data, new Dataset("slice", sample.train().slice(from, from + 300),
                sample.test().slice(0, 100)));
    }

    /** The experiment's keys, one HOCON line each. */
    private List<String> keys(int trials) {
        return List.of("name=fingerprints", "data=\"mnist:" + data + "\"", "model.width=2", "epochs=1",
                "record-epochs=[1]", "batch-size=64", "trials=" + trials,
                "schedules=[{name = low, text = \"1: lr=0.1 wd=0.01\"}, {name = high, text = \"1: lr=0.4 wd=0.01\"}]",
                "output=\"" + out + "\"");
    }

    private ExperimentConfig config(int trials) {
        return ExperimentConfig.load(null, keys(trials));
    }

    /** What {@code mixfarm run CONFIG args...} printed (stdout, then stderr) and its exit status. */
    private record Cli(int status, String stdout, String stderr) {
    }

    private Cli mixfarmRun(String... args) throws IOException {
        Path conf = Files.write(dir.resolve("fingerprints.conf"), keys(1).stream().map(key -> "experiment." + key)
                .toList());
        List<String> command = new ArrayList<>(List.of("run", conf.toString()));
        command.addAll(List.of(args));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        ByteArrayOutputStream farm = new ByteArrayOutputStream();
        PrintStream systemOut = System.out;
        System.setOut(new PrintStream(farm, true, StandardCharsets.UTF_8)); // the farm prints its progress there
        try {
            int status = Mixfarm.commandLine().setOut(new PrintWriter(stdout, true))
                    .setErr(new PrintWriter(stderr, true)).execute(command.toArray(String[]::new));
            return new Cli(status, farm.toString(StandardCharsets.UTF_8) + stdout, stderr.toString());
        } finally {
            System.setOut(systemOut);
        }
    }

    private String farm(int trials, boolean allowMixed) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new FarmJob(new PrintStream(printed, true, StandardCharsets.UTF_8)).run(config(trials),
                new FarmOptions(false, List.of(), Faults.NONE, false, allowMixed));
        return printed.toString(StandardCharsets.UTF_8);
    }

    private Map<TrialKey, TrialRecord> trials() {
        return new ExperimentStore(out.toString(), new Configuration()).trials();
    }

    private static void assertOneLine(String message, String... parts) {
        assertFalse(message.contains("\n"), message);
        for (String part : parts) {
            assertTrue(message.contains(part), "\"" + part + "\" in: " + message);
        }
    }

    @Test
    void everyRowRecordsWhatComputedItAndWhatItRead() {
        farm(1, false);
        DataFingerprint expected = DataFingerprint.of(DatasetSpec.parse("mnist:" + data),
                new DigestCache(dir.resolve("cache.tsv")));
        BuildInfo build = BuildInfo.current();
        Implementation implementation = new Implementation(build.version(), build.commit(), "fused", "CPU");
        assertEquals(List.of(new TrialKey("high", 0), new TrialKey("low", 0)), List.copyOf(trials().keySet()));
        for (TrialRecord record : trials().values()) {
            assertEquals(expected, record.data(), record.key().toString());
            assertEquals(implementation, record.implementation(), record.key().toString());
        }
    }

    @Test
    void aResumeOntoChangedDataIsRefusedEvenWhenMixedImplementationsAreAllowed() {
        farm(1, false);
        writeData(1); // the same files, other bytes
        for (boolean allowMixed : List.of(false, true)) {
            ExperimentException e = assertThrows(ExperimentException.class, () -> farm(2, allowMixed));
            assertOneLine(e.getMessage(), out.toString(), "read other data", "in 2 trials");
        }
        assertEquals(2, trials().size(), "nothing ran");
    }

    @Test
    void anotherImplementationIsRefusedUnlessAllowedAndThenEachScheduleSaysWhichContributed() throws IOException {
        farm(1, false);
        TrialRecord low = trials().get(new TrialKey("low", 0));
        Implementation older = new Implementation(low.implementation().version(), "0".repeat(40),
                low.implementation().kernels(), low.implementation().backend());
        TrialRows.rewrite(out.toString(), TrialRows.withFingerprints(low, older, low.data()));
        TrialRows.rewriteBeforeFingerprints(out.toString(), trials().get(new TrialKey("high", 0)));

        Cli refused = mixfarmRun("--trials", "2", "--no-analysis");
        assertEquals(2, refused.status(), refused.toString());
        assertOneLine(refused.stderr().strip(), "mixfarm: " + out + ": finished trials were computed by another "
                + "implementation", older.text() + " in 1 trial",
                "unknown (written before implementations were recorded) in 1 trial", "--allow-mixed-implementations");
        assertEquals(2, trials().size(), "nothing ran");

        Cli allowed = mixfarmRun("--trials", "2", "--no-analysis", "--allow-mixed-implementations");
        assertEquals(0, allowed.status(), allowed.toString());
        String printed = allowed.stdout();
        assertTrue(printed.contains("mixing implementations, as allowed: "), printed);
        assertTrue(printed.contains("1 finished trial predates data fingerprints"), printed);
        assertEquals(4, trials().size());
        String ours = trials().get(new TrialKey("low", 1)).implementation().text();

        ByteArrayOutputStream tv = new ByteArrayOutputStream();
        new TvJob(new PrintStream(tv, true, StandardCharsets.UTF_8)).run(out.toString(),
                new TvOptions(9, 3, List.of()));
        List<String> lines = new ArrayList<>(tv.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("implementations of ")).toList());
        assertEquals(List.of("implementations of high: " + ours + " in 1 trial, unknown (written before "
                        + "implementations were recorded) in 1 trial",
                "implementations of low: " + older.text() + " in 1 trial, " + ours + " in 1 trial"), lines);

        String html = Files.readString(new ReportJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(out.toString()).html());
        assertTrue(html.contains("implementations of low"), "the report's facts say it per schedule");
        assertTrue(html.contains(older.text()), "the report names the other implementation");

        // mixfarm sql's trials view has the fingerprint columns even where some rows predate them.
        SparkSession spark = SparkSession.builder().appName("fingerprints sql").getOrCreate();
        try {
            SqlQuery.registerViews(spark, out.toString());
            Row counts = spark.sql("SELECT count(implementation) AS known, count(*) AS rows FROM trials").first();
            assertEquals(3L, counts.getLong(0), "implementations recorded");
            assertEquals(4L, counts.getLong(1));
        } finally {
            spark.stop();
        }
    }
}
