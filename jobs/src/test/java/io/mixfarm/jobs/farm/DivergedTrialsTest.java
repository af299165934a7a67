package io.mixfarm.jobs.farm;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.report.ReportJob;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A schedule whose trials diverge is a result, not a crash: a farm of "low", "high" and "blowup" (eta*lambda = 100,
 * so every step multiplies the weights by -99 and they overflow in the second epoch), 3 trials each, on a 300/100
 * slice of the embedded sample.
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class DivergedTrialsTest {

    @TempDir
    static Path dir;
    private static Path out;
    private static ExperimentConfig config;
    private static FarmReport first;

    @BeforeAll
    static void farm() {
        TinyFarm farm = TinyFarm.in(dir).with("name=diverging", "epochs=4", "record-epochs=[1, 2, 3, 4]", "trials=3",
                "schedules=[{name = low, text = \"1: lr=0.1 wd=0.01\"}, {name = high, text = \"1: lr=0.4 wd=0.01\"},"
                        + " {name = blowup, text = \"1: lr=1000 wd=0.1\"}]");
        out = farm.out();
        config = farm.config();
        first = TinyFarm.run(config, FarmOptions.DEFAULT);
    }

    @Test
    void theDivergingScheduleEndsWithDivergedRowsTheirMetricsAndNoPredictionsFromThenOn() {
        assertEquals(List.of("blowup/0", "blowup/1", "blowup/2"),
                first.diverged().stream().map(r -> r.key().toString()).sorted().toList());
        assertEquals(List.of(), first.failed(), "diverging is not failing: the farm exits 0");
        assertEquals(List.of(List.of("blowup", "diverged", "3", "0"), List.of("high", "succeeded", "3", "3"),
                        List.of("low", "succeeded", "3", "3")),
                Duck.query("SELECT schedule, status, count(*), count(final_test_error) FROM "
                        + Duck.table(out, "trials") + " GROUP BY ALL ORDER BY ALL"));
        // Each diverged trial's metrics stop at the epoch its row names, which has a non-finite measure.
        List<List<String>> ends = Duck.query("SELECT t.trial, t.error, m.epoch, isfinite(m.norm) "
                + "AND isfinite(m.train_loss) AND isfinite(m.test_loss) FROM " + Duck.table(out, "trials") + " t JOIN "
                + Duck.table(out, "metrics") + " m USING (schedule, trial) WHERE t.schedule = 'blowup' AND m.epoch = "
                + "(SELECT max(epoch) FROM " + Duck.table(out, "metrics") + " x WHERE x.schedule = 'blowup' "
                + "AND x.trial = t.trial) ORDER BY ALL");
        assertEquals(3, ends.size());
        for (List<String> end : ends) {
            int epoch = Integer.parseInt(end.get(2));
            assertTrue(epoch < 4, "training stopped early: " + end);
            assertTrue(end.get(1).startsWith("diverged in epoch " + epoch + ": "), end.toString());
            assertEquals("false", end.get(3), "the last epoch's metrics show the divergence: " + end);
            assertEquals(epoch - 1, Duck.count("SELECT count(DISTINCT epoch) FROM " + Duck.table(out, "predictions")
                    + " WHERE schedule = 'blowup' AND trial = " + end.get(0)), "predictions before it only");
        }
    }

    @Test
    void resumeKeepsDivergedTrialsAndRetryDivergedRerunsThemToTheSameEnd() {
        List<List<String>> metrics = Duck.query("SELECT * FROM " + Duck.table(out, "metrics")
                + " WHERE schedule = 'blowup' ORDER BY ALL");
        FarmReport resumed = TinyFarm.run(config, FarmOptions.DEFAULT);
        assertEquals(List.of(), resumed.outcomes(), "a diverged trial is deterministic: resume leaves it");
        assertEquals(9, resumed.skipped());

        FarmReport retried = TinyFarm.run(config, new FarmOptions(false, List.of(), Faults.NONE, true, false));
        assertEquals(List.of("blowup/0", "blowup/1", "blowup/2"),
                retried.diverged().stream().map(r -> r.key().toString()).sorted().toList());
        assertEquals(6, retried.skipped());
        assertEquals(metrics.size(), Duck.query("SELECT * FROM " + Duck.table(out, "metrics")
                + " WHERE schedule = 'blowup' ORDER BY ALL").size(), "rerun from scratch, not appended");
        assertEquals(3, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials") + " WHERE status = 'diverged'"));
    }

    @Test
    void theTvJobAndTheReportLeaveDivergedTrialsOutAndCountThemPerSchedule(@TempDir Path copy) throws IOException {
        TinyFarm.copy(out, copy);
        // Make low/1 a diverged trial too, so that a pair the TV job estimates has one left out: its files become
        // those of blowup/1 (the row's schedule is its partition folder).
        new ExperimentStore(copy.toString(), new Configuration()).deleteTrial("low", 1);
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path file : files.filter(p -> p.toString().contains("schedule=blowup")
                    && p.getFileName().toString().equals("trial-00001.parquet")).toList()) {
                Path target = Path.of(file.toString().replace("schedule=blowup", "schedule=low"));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TvJob.TvResult tv = new TvJob(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(copy.toString(), new TvOptions(19, 3, List.of()));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("left out 4 diverged trials (blowup 3, low 1)"), text);
        assertEquals(Map.of("low", 2, "high", 3), tv.trialsUsed());
        assertEquals(List.of(List.of("low", "high", "1", "0")), Duck.query("SELECT DISTINCT a, b, diverged_a, "
                + "diverged_b FROM read_parquet('" + copy.resolve("tv_summary") + "/*.parquet')"));
        assertEquals(List.of(List.of("2", "3")), Duck.query("SELECT DISTINCT trials_a, trials_b FROM read_parquet('"
                + copy.resolve("tv_summary") + "/*.parquet') WHERE n = 2 AND trials_b = 3"));
        List<String> csv = Files.readAllLines(copy.resolve("tv_summary.csv")).stream()
                .dropWhile(line -> line.startsWith("#")).toList(); // the provenance first
        assertTrue(csv.get(0).endsWith(",diverged_a,diverged_b,design,step"), csv.get(0));
        assertTrue(csv.get(1).matches(".*,1,0,unpaired,[0-9]+"), csv.get(1));

        ReportFiles report = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(copy.toString());
        String html = Files.readString(report.html());
        assertTrue(html.contains("diverged trials (left out)") && html.contains("{blowup=3, low=1}"), html);
        assertTrue(html.contains("{high=3, low=2}"), "finished trials count samples only");
    }
}
