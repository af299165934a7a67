package io.mixfarm.jobs.bench;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.SyntheticPredictions;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import org.apache.hadoop.conf.Configuration;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The TV job's benchmark at paper scale (not a test): {@code generate DIR EPOCHS} writes synthetic farm outputs of
 * 3 schedules x 500 trials x 10,000 images at 2 record epochs (120 and 200: 30M prediction rows), 10 (every
 * 20th) or 50 (every 4th) through the real store; {@code files DIR} counts the files per trial; {@code tv DIR}
 * times the TV job with 200 permutations and the interval at every record epoch and the TV-against-n curve (20
 * random subsets per n) at epochs 120 and 200; {@code duckdb DIR} times DuckDB computing the plain per-image mean TV on the same files.
 * Run each under {@code /usr/bin/time -v} for peak memory: {@code submit/bench-tv}.
 */
public final class TvBench {

    private static final int TRIALS = 500;
    private static final int IMAGES = 10_000;
    private static final int CLASSES = 10;
    /** The paper's MNIST: 60,000 training images in batches of 128. */
    private static final int STEPS_PER_EPOCH = 469;
    /** The record epochs of the curve: two, in every setup. */
    private static final List<Integer> CURVE_EPOCHS = List.of(120, 200);

    private TvBench() {
    }

    /**
     * What the job holds in the heap as it runs: every {@value #EVERY_SECONDS} s a full collection, then the heap in
     * use, which is then exactly what is reachable. The peak resident set cannot say it: a JVM's resident heap grows
     * with how much of its heap it has touched, whatever it holds (docs/performance.md, "The TV job at cluster
     * scale"). A collection of a 512 MB heap takes a fraction of a second, so the timing moves by a few percent.
     */
    private static final class LiveHeap {
        private static final int EVERY_SECONDS = 10;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "live-heap");
            thread.setDaemon(true);
            return thread;
        });
        private final List<Long> samples = new CopyOnWriteArrayList<>();

        static LiveHeap start() {
            LiveHeap live = new LiveHeap();
            live.timer.scheduleAtFixedRate(live::sample, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
            return live;
        }

        private void sample() {
            System.gc();
            samples.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        /** {@code live_heap_mb_by_fifth=a,b,c,d,e samples=N}: the largest sample in each fifth of the run ("-": none). */
        String stop() {
            timer.shutdownNow();
            List<Long> all = List.copyOf(samples);
            StringBuilder fifths = new StringBuilder();
            for (int f = 0; f < 5; f++) {
                int from = f * all.size() / 5;
                int to = (f + 1) * all.size() / 5;
                long max = 0;
                for (int i = from; i < to; i++) {
                    max = Math.max(max, all.get(i));
                }
                // A run shorter than five samples leaves some fifths without one.
                fifths.append(f == 0 ? "" : ",").append(from < to ? Long.toString(max >> 20) : "-");
            }
            return "live_heap_mb_by_fifth=" + fifths + " samples=" + all.size();
        }
    }

    public static void main(String[] args) throws Exception {
        String dir = args[1];
        long start = System.nanoTime();
        switch (args[0]) {
            case "generate" -> generate(dir, Integer.parseInt(args[2]));
            case "tv" -> {
                System.setProperty("spark.master", System.getProperty("spark.master", "local[2]"));
                LiveHeap live = LiveHeap.start();
                TvJob.TvResult result = new TvJob(System.out).run(dir, new TvOptions(200, 20, List.of(),
                        CURVE_EPOCHS));
                System.out.println("tv_summary_rows=" + result.summary().size());
                System.out.println("tv_" + live.stop());
            }
            case "files" -> files(dir);
            case "duckdb" -> duckdb(dir);
            default -> throw new IllegalArgumentException("usage: generate DIR EPOCHS|files DIR|tv DIR|duckdb DIR");
        }
        System.out.printf("%s_seconds=%.1f%n", args[0], (System.nanoTime() - start) / 1e9);
    }

    /** The record-epoch settings of each setup, all over the paper's 200 epochs. */
    private static String recordEpochs(int epochs) {
        return switch (epochs) {
            case 2 -> "record-epochs=[120]";
            case 10 -> "record-every=20";
            case 50 -> "record-every=4";
            default -> throw new IllegalArgumentException("record epochs must be 2, 10 or 50, got " + epochs);
        };
    }

    private static void generate(String dir, int epochs) throws Exception {
        ExperimentConfig config = ExperimentConfig.load(null, List.of("name=tv-bench", "trials=" + TRIALS,
                "epochs=200", recordEpochs(epochs), "output=\"" + dir + "\""));
        ExperimentStore store = new ExperimentStore(dir, new Configuration());
        store.writeManifest("{\"experiment\": \"tv-bench\", \"mixfarm.config\": "
                + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(config.render())
                + ", \"mixfarm.classes\": \"" + CLASSES + "\"}");
        // Const and LR-decay share one per-image distribution (they have mixed); WD-decay is 20% off it.
        double[][] shared = SyntheticPredictions.dirichlet(IMAGES, CLASSES, 20, 1);
        double[][] other = SyntheticPredictions.mixture(shared, SyntheticPredictions.dirichlet(IMAGES, CLASSES, 20, 2), 0.2);
        byte[] labels = new byte[IMAGES];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> pending = new ArrayList<>();
        for (PlannedTrial planned : config.plan()) {
            pending.add(pool.submit(() -> {
                double[][] p = planned.key().schedule().equals("WD-decay") ? other : shared;
                long seed = planned.spec().seed();
                List<EpochPredictions> predictions = new ArrayList<>();
                List<EpochMetrics> metrics = new ArrayList<>();
                for (int epoch : config.recordEpochs()) {
                    PredictionMatrix draw = SyntheticPredictions.draw(p, 1, seed + epoch);
                    predictions.add(new EpochPredictions(RecordPoint.endOf(epoch, STEPS_PER_EPOCH), draw.predicted()));
                    metrics.add(new EpochMetrics(epoch, 0.1, 0.1, 0.1, 0.01, 0.1, 0.02,
                            List.of(new GroupStats("conv1", 1, 0.1)), 1, 0.1, 1, 0.1));
                }
                TrialResult result = new TrialResult(planned.spec(), STEPS_PER_EPOCH, metrics, List.of(), predictions,
                        1.0);
                store.writeTrial(planned.key().schedule(), planned.key().trial(), result, labels,
                        TrialRecord.finished(planned.key().schedule(), planned.key().trial(), result, "bench",
                                "cpu:1-threads", 0, 0, 1000, null, null), Map.of("mixfarm.bench", "synthetic"));
                return null;
            }));
        }
        for (Future<?> f : pending) {
            f.get();
        }
        pool.shutdown();
        System.out.println("trials=" + config.plan().size() + " record_epochs=" + config.recordEpochs().size()
                + " prediction_rows=" + (long) config.plan().size() * IMAGES * config.recordEpochs().size());
    }

    /** Files per dataset and per trial, as a reader of the folder (Spark, DuckDB) sees them. */
    private static void files(String dir) throws Exception {
        long trials;
        try (Stream<Path> rows = Files.walk(Path.of(dir, "trials"))) {
            trials = rows.filter(TvBench::isDataFile).count();
        }
        for (String dataset : List.of("predictions", "metrics", "trials")) {
            try (Stream<Path> files = Files.walk(Path.of(dir, dataset))) {
                long count = files.filter(TvBench::isDataFile).count();
                System.out.printf("%s_files=%d %s_files_per_trial=%.2f%n", dataset, count, dataset,
                        count / (double) trials);
            }
        }
    }

    private static boolean isDataFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".parquet") && !name.startsWith(".");
    }

    private static void duckdb(String dir) throws Exception {
        String sql = """
                WITH p AS (SELECT schedule, epoch, trial, image, predicted
                           FROM read_parquet('%1$s/predictions/**/*.parquet', hive_partitioning=true)),
                n AS (SELECT schedule, epoch, count(DISTINCT trial) AS trials FROM p GROUP BY ALL),
                q AS (SELECT schedule, epoch, image, predicted, count(*)::DOUBLE / any_value(n.trials) AS q
                      FROM p JOIN n USING (schedule, epoch) GROUP BY ALL),
                pairs AS (SELECT DISTINCT x.schedule AS a, y.schedule AS b FROM n x, n y WHERE x.schedule < y.schedule),
                cells AS (SELECT DISTINCT epoch, image, predicted FROM q),
                tv AS (SELECT pairs.a, pairs.b, cells.epoch, cells.image,
                              0.5 * sum(abs(coalesce(qa.q, 0) - coalesce(qb.q, 0))) AS tv
                       FROM pairs CROSS JOIN cells
                       LEFT JOIN q qa ON qa.schedule = pairs.a AND qa.epoch = cells.epoch AND qa.image = cells.image
                                     AND qa.predicted = cells.predicted
                       LEFT JOIN q qb ON qb.schedule = pairs.b AND qb.epoch = cells.epoch AND qb.image = cells.image
                                     AND qb.predicted = cells.predicted
                       GROUP BY ALL)
                SELECT epoch, a, b, avg(tv) FROM tv GROUP BY ALL ORDER BY ALL
                """.formatted(dir);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement()) {
            statement.execute("SET threads = 2");
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    System.out.printf("duckdb epoch=%d %s vs %s mean_tv=%.6f%n", rows.getInt(1), rows.getString(2),
                            rows.getString(3), rows.getDouble(4));
                }
            }
        }
    }
}
