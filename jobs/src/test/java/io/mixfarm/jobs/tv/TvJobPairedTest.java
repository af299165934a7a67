package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Seeds;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.farm.FarmOptions;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.report.ReportJob;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TV job on a tiny real mixing-time study, whose perturbed schedules fork from their references (docs/method.md,
 * "Paired design"): 2 intrinsic LRs, 6 trials per schedule, a width-2 CNN on a 300/100 slice of the embedded
 * sample, T0 = 1 epoch and 2 after it, record points every 2 steps from epoch 2 (5 steps per epoch: steps 5, 7, 9,
 * 10, 11, 13, 15). P-0.04's trial 5 has no {@code trials/} row (as a trial still running), so R-0.04's trial 5 has
 * no partner. Each forked pair of schedules is estimated as pairs, every other pair as independent trials; checked
 * against the predictions as DuckDB reads them, and the exact permutation distributions enumerated here.
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class TvJobPairedTest {

    /** Enough for the p-value to sit within a few binomial standard errors of the exact one. */
    private static final int PERMUTATIONS = 4999;
    private static final int RESAMPLES = 5;
    private static final int IMAGES = TinyFarm.TEST_IMAGES;
    private static final List<String> SCHEDULES = List.of("R-0.04", "P-0.04", "R-0.01", "P-0.01");

    @TempDir
    static Path dir;
    private static Path out;
    private static TvJob.TvResult result;
    private static String log;
    /** Every sample's predictions, keyed {@code schedule/trial/step}. */
    private static Map<String, int[]> predictions;

    @BeforeAll
    static void studyAndEstimate() throws IOException, SQLException {
        TinyFarm farm = TinyFarm.in(dir).with("name=tiny-paired", "mixing.intrinsic-lrs=[0.04, 0.01]", "mixing.lr=0.1",
                "mixing.prefix-epochs=1", "mixing.epochs-after=2", "mixing.perturbation=10", "record-epochs=[1, 2, 3]",
                "record-steps.from-epoch=2", "record-steps.every=2", "trials=6", "bn-eval-batches=2");
        out = farm.out();
        farm.run(FarmOptions.DEFAULT);
        Files.delete(out.resolve("trials").resolve("schedule=P-0.04").resolve("trial-00005.parquet"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result = new TvJob(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(out.toString(), new TvOptions(PERMUTATIONS, RESAMPLES, List.of()));
        log = printed.toString(StandardCharsets.UTF_8);
        predictions = readPredictions();
    }

    @Test
    void forkedPairsArePairedOverTheTrialsWithAPartnerAndEveryOtherPairIsNot() throws IOException {
        assertEquals(List.of(5L, 7L, 9L, 10L, 11L, 13L, 15L), result.summary().stream()
                .filter(r -> r.allTrials() && r.a().equals("R-0.04") && r.b().equals("P-0.04"))
                .map(TvSummaryRow::step).toList(), "every record point, in order");
        for (TvSummaryRow r : result.summary()) {
            boolean forked = r.a().startsWith("R-") && r.b().equals("P-" + r.a().substring(2));
            assertEquals(forked ? Design.PAIRED : Design.UNPAIRED, r.design(), r.toString());
            if (r.allTrials()) {
                // R-0.04/5's partner is not a sample: the pairs are trials 0..4; unpaired rows use every sample.
                assertEquals(List.of(samples(r.a(), r).size(), samples(r.b(), r).size()),
                        List.of(r.trialsA(), r.trialsB()), r.toString());
            }
        }
        assertTrue(log.contains("paired R-0.04 and P-0.04 (trial k of both continues one trial up to a fork): 5 pairs;"
                + " left out, their partner not a sample: R-0.04 1"), log);
        assertTrue(log.contains("paired R-0.01 and P-0.01 (trial k of both continues one trial up to a fork): 6 pairs"
                + System.lineSeparator()), log);
        assertTrue(Files.readAllLines(out.resolve(TvTables.SUMMARY_CSV)).contains(
                "# mixfarm.tv.pairs=R-0.04/P-0.04 5 (left out R-0.04 1), R-0.01/P-0.01 6"));
    }

    /** The trials a row of {@code schedule} uses: all its samples, or in a paired row those with a partner. */
    private static List<Integer> samples(String schedule, TvSummaryRow row) {
        boolean leftOut = row.design() == Design.PAIRED && row.a().equals("R-0.04");
        return IntStream.range(0, schedule.equals("P-0.04") || leftOut ? 5 : 6).boxed().toList();
    }

    @Test
    void thePairedPValueAndFloorAreTheExactSwapDistributionsWithinBinomialError() {
        // With n pairs the paired null has 2^n equally likely outcomes: each pair's two branches on either side. The
        // job draws swaps at random, so its p-value and floor must lie within a few standard errors of the exact ones.
        int checked = 0;
        for (TvSummaryRow r : result.summary()) {
            if (r.design() != Design.PAIRED || !r.allTrials()) {
                continue;
            }
            int n = r.trialsA();
            int[][] a = new int[n][];
            int[][] b = new int[n][];
            for (int k = 0; k < n; k++) {
                a[k] = predictions.get(r.a() + "/" + k + "/" + r.step());
                b[k] = predictions.get(r.b() + "/" + k + "/" + r.step());
            }
            double scale = 2.0 * n * IMAGES;
            long observed = swappedNumerator(a, b, 0);
            assertEquals(observed / scale, r.tv(), 1e-12, "TV = numerator / (2 x pairs x images): " + r);
            int masks = 1 << n;
            int atLeast = 0;
            double sum = 0;
            double squares = 0;
            for (int mask = 0; mask < masks; mask++) {
                long value = swappedNumerator(a, b, mask);
                atLeast += value >= observed ? 1 : 0;
                sum += value / scale;
                squares += (value / scale) * (value / scale);
            }
            double exact = atLeast / (double) masks;
            double tolerance = 4.5 * Math.sqrt(exact * (1 - exact) / PERMUTATIONS) + 1.0 / (1 + PERMUTATIONS);
            assertEquals(exact, r.pValue(), tolerance, atLeast + " of " + masks + " swaps reach the observed TV; " + r);
            double mean = sum / masks;
            double sd = Math.sqrt(Math.max(0, squares / masks - mean * mean));
            assertEquals(mean, r.nullMean(), 4.5 * sd / Math.sqrt(PERMUTATIONS) + 1e-12, "the floor: " + r);
            checked++;
        }
        assertEquals(2 * 7, checked, "both forked pairs at every record point");
    }

    @Test
    void theTvAgainstNOfAPairedComparisonTakesTheFirstNPairs() {
        List<TvSummaryRow> curve = result.summary().stream()
                .filter(r -> r.design() == Design.PAIRED && !r.allTrials()).toList();
        assertFalse(curve.isEmpty(), result.summary().toString());
        for (TvSummaryRow r : curve) {
            assertEquals(List.of(r.n(), r.n()), List.of(r.trialsA(), r.trialsB()), r.toString());
            int[][] a = new int[r.n()][];
            int[][] b = new int[r.n()][];
            for (int k = 0; k < r.n(); k++) {
                a[k] = predictions.get(r.a() + "/" + k + "/" + r.step());
                b[k] = predictions.get(r.b() + "/" + k + "/" + r.step());
            }
            assertEquals(swappedNumerator(a, b, 0) / (2.0 * r.n() * IMAGES), r.tv(), 1e-12, r.toString());
        }
    }

    @Test
    void theUnpairedRowsAreTheUnpairedEstimatesOverEverySampleAsBefore() {
        // The estimator's unpaired path on the samples DuckDB reads, with the job's seed: what the job wrote for every
        // pair before it knew of pairs.
        ExperimentConfig config = ExperimentFolder.at(out.toString(), new Configuration()).recordedConfig();
        int checked = 0;
        for (TvSummaryRow r : result.summary()) {
            if (r.design() != Design.UNPAIRED || !r.allTrials()) {
                continue;
            }
            boolean epochEnd = r.step() % 5 == 0;
            long seed = epochEnd ? Seeds.comparisonSeed(config.seed(), r.a(), r.b(), r.epoch())
                    : Seeds.comparisonSeed(config.seed(), r.a(), r.b(), r.epoch(), r.step());
            TvSummaryRow expected = new TvEstimator(seed, RESAMPLES, PERMUTATIONS).estimate(r.epoch(), r.a(), r.b(),
                    matrix(r.a(), r.step()), matrix(r.b(), r.step()), r.baseline());
            assertEquals(List.of(expected.trialsA(), expected.trialsB()), List.of(r.trialsA(), r.trialsB()));
            for (double[] pair : List.of(new double[] {expected.tv(), r.tv()},
                    new double[] {expected.nullMean(), r.nullMean()}, new double[] {expected.nullSd(), r.nullSd()},
                    new double[] {expected.pValue(), r.pValue()}, new double[] {expected.ciLow(), r.ciLow()},
                    new double[] {expected.ciHigh(), r.ciHigh()})) {
                assertEquals(pair[0], pair[1], 0.0, r.toString());
            }
            checked++;
        }
        assertEquals(4 * 7, checked, "4 unpaired pairs of schedules at 7 record points");
    }

    @Test
    void tvByImageOfAPairedComparisonCountsThePairsOnly() throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT a, b, min(trials_a), max(trials_a), max(trials_b),"
                     + " avg(tv) FROM read_parquet('" + out + "/tv_by_image/*.parquet') WHERE step = 15 GROUP BY ALL"
                     + " ORDER BY ALL")) {
            int seen = 0;
            while (rows.next()) {
                String a = rows.getString(1);
                String b = rows.getString(2);
                TvSummaryRow all = result.summary().stream().filter(r -> r.allTrials() && r.step() == 15
                        && r.a().equals(a) && r.b().equals(b)).findFirst().orElseThrow();
                assertEquals(List.of(all.trialsA(), all.trialsA(), all.trialsB()),
                        List.of(rows.getInt(3), rows.getInt(4), rows.getInt(5)), a + " vs " + b);
                assertEquals(all.tv(), rows.getDouble(6), 1e-12, "the summary's TV is the images' mean");
                seen++;
            }
            assertEquals(6, seen);
        }
    }

    @Test
    void theReportDrawsOnePanelPerIntrinsicLrAgainstStepsAfterThePerturbation() throws IOException {
        ReportFiles files = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString());
        String html = Files.readString(files.html());
        assertTrue(html.contains("<h2 id=\"mixing-study\">Mixing-time study: TV against steps after the perturbation"
                + "</h2>"), "the section");
        for (String panel : List.of("mixing_study_1", "mixing_study_2")) {
            for (String extension : List.of(".png", ".svg")) {
                Path file = out.resolve("report").resolve(panel + extension);
                assertTrue(files.charts().contains(file), files.charts().toString());
                assertTrue(Files.size(file) > 1000, file.toString());
            }
            assertTrue(html.contains("<figure id=\"" + panel + "-figure\">"), panel);
        }
        assertTrue(html.contains("λ_e = 0.04: R-0.04 vs P-0.04, paired"), "each panel names its LR, pair and design");
        assertTrue(html.contains("λ_e = 0.01: R-0.01 vs P-0.01, paired"));
        assertTrue(files.skipped().stream().noneMatch(s -> s.startsWith("mixing_study")), files.skipped().toString());
    }

    /** The predictions of one schedule's samples at one step, as the job's estimator takes them. */
    private static PredictionMatrix matrix(String schedule, long step) {
        int trials = schedule.equals("P-0.04") ? 5 : 6;
        byte[][] rows = new byte[trials][IMAGES];
        for (int k = 0; k < trials; k++) {
            int[] predicted = predictions.get(schedule + "/" + k + "/" + step);
            for (int image = 0; image < IMAGES; image++) {
                rows[k][image] = (byte) predicted[image];
            }
        }
        return PredictionMatrix.of(10, IntStream.range(0, trials).toArray(), rows);
    }

    /**
     * Sum over images and classes of |count on side a - count on side b| when the pairs whose bit is set in
     * {@code mask} have their branches swapped: with n pairs a side, the TV's numerator, in whole numbers.
     */
    private static long swappedNumerator(int[][] a, int[][] b, int mask) {
        long sum = 0;
        for (int image = 0; image < IMAGES; image++) {
            int[] difference = new int[256];
            for (int k = 0; k < a.length; k++) {
                boolean swapped = (mask >> k & 1) == 1;
                difference[(swapped ? b : a)[k][image]]++;
                difference[(swapped ? a : b)[k][image]]--;
            }
            for (int d : difference) {
                sum += Math.abs(d);
            }
        }
        return sum;
    }

    /** Every prediction of the study's trials that are samples, read by DuckDB alone. */
    private static Map<String, int[]> readPredictions() throws SQLException {
        Map<String, int[]> map = new HashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("WITH done AS (SELECT schedule, trial FROM read_parquet('" + out
                     + "/trials/**/*.parquet', hive_partitioning=true) WHERE status = 'succeeded') SELECT schedule,"
                     + " trial, step, image, predicted FROM read_parquet('" + out + "/predictions/**/*.parquet',"
                     + " hive_partitioning=true) SEMI JOIN done USING (schedule, trial)")) {
            while (rows.next()) {
                map.computeIfAbsent(rows.getString(1) + "/" + rows.getInt(2) + "/" + rows.getLong(3),
                        k -> new int[IMAGES])[rows.getInt(4)] = rows.getInt(5);
            }
        }
        assertEquals((4 * 6 - 1) * 7, map.size(), "23 samples x 7 record points");
        assertTrue(SCHEDULES.stream().allMatch(s -> map.containsKey(s + "/0/15")));
        return map;
    }
}
