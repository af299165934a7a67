package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.config.ExperimentConfig;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lost executor on a real multi-JVM Spark: a standalone Master and a Worker JVM started by the test
 * ({@link SparkStandalone}), two single-core executor JVMs, and a SIGKILL of one of them while it trains a trial.
 * Spark reruns that trial elsewhere, the Worker starts a replacement executor, and the farm must end with every
 * trial present exactly once, none failed.
 *
 * <p>How the kill is aimed: a listener registered through {@code spark.extraListeners} tells which executor
 * runs which task; a background thread finds that executor's JVM among the Worker's children (its command line
 * carries {@code --executor-id}), waits until the JVM has ND4J's natives loaded plus {@link #KILL_AFTER_MILLIS}
 * (so the trial is training, not still starting), and SIGKILLs it. Everything is bounded: the farm by
 * {@link #FARM_DEADLINE} (its jobs are cancelled past it), the test by its timeout; the cluster, every executor
 * JVM included, is stopped in all cases.
 */
class LostExecutorTest {

    private static final int TRIALS = 3;
    private static final List<String> SCHEDULES = List.of("Const", "LR-decay");
    private static final int EPOCHS = 8;
    private static final int RECORD_EVERY = 4;
    private static final int TRAIN_IMAGES = 600;
    private static final int TEST_IMAGES = 200;
    /** ND4J's JNI library: once an executor has it loaded, its trial is past set-up and about to train. */
    private static final String ND4J_LIBRARY = "libjnind4jcpu";
    /** A trial trains for seconds after ND4J is loaded; this long after, it is in the middle of its training. */
    private static final long KILL_AFTER_MILLIS = 2000;
    /** Bounds the whole farm: past it the farm's jobs are cancelled, so the test fails instead of hanging. */
    private static final Duration FARM_DEADLINE = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    /** One SIGKILL of an executor JVM, and what that JVM was doing and had been given. */
    record Kill(String executorId, long pid, long taskId, int taskIndex, long runningMillis, long at, boolean gone,
                Map<String, String> environment, String commandLine) {
    }

    @Test
    @EnabledOnOs(OS.LINUX) // finds executor JVMs and what they loaded through /proc
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anExecutorKilledWhileItTrainsIsReplacedAndEveryTrialLandsExactlyOnce() throws Exception {
        long start = System.currentTimeMillis();
        Dataset sample = EmbeddedSample.load();
        Path data = tmp.resolve("mnist-slice");
        IdxWriter.writeFolder(data, new Dataset("slice", sample.train().slice(0, TRAIN_IMAGES),
                sample.test().slice(0, TEST_IMAGES)));
        Path out = tmp.resolve("out");
        ExperimentConfig config = ExperimentConfig.load(null, List.of("name=lost-executor",
                "data=\"mnist:" + data + "\"", "model.width=4", "epochs=" + EPOCHS, "record-every=" + RECORD_EVERY,
                "schedules=[" + String.join(", ", SCHEDULES) + "]", "trials=" + TRIALS, "output=\"" + out + "\""));

        Events.LATEST.set(null);
        AtomicReference<Kill> kill = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicReference<Throwable> killerFailure = new AtomicReference<>();
        Map<String, String> saved = new LinkedHashMap<>();
        SparkStandalone cluster = SparkStandalone.start(tmp.resolve("cluster"), 2, "4g");
        FarmReport report;
        long farmStart;
        long farmEnd;
        try {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("spark.master", cluster.masterUrl());
            conf.put("spark.app.name", "lost-executor");
            conf.put("spark.executor.cores", "1"); // two executors on the 2-core worker
            conf.put("spark.executor.memory", "1g");
            conf.put("spark.executor.extraClassPath", cluster.classDirectories());
            conf.put("spark.executor.extraJavaOptions", executorJavaOptions());
            conf.put("spark.driver.host", "127.0.0.1");
            conf.put("spark.driver.bindAddress", "127.0.0.1");
            conf.put("spark.ui.enabled", "false");
            conf.put("spark.extraListeners", Events.class.getName());
            conf.forEach((key, value) -> {
                saved.put(key, System.getProperty(key));
                System.setProperty(key, value);
            });

            Thread killer = new Thread(() -> killOneExecutorWhileItTrains(cluster, kill, done, cancelled,
                    System.nanoTime() + FARM_DEADLINE.toNanos()), "executor-killer");
            killer.setDaemon(true);
            killer.setUncaughtExceptionHandler((thread, e) -> killerFailure.set(e));
            killer.start();
            farmStart = System.currentTimeMillis();
            try {
                report = new FarmJob(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                        .run(config, FarmOptions.DEFAULT);
                farmEnd = System.currentTimeMillis();
            } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
                String what = cancelled.get() ? "the farm did not finish within " + FARM_DEADLINE + " and was cancelled"
                        : "the farm failed on the standalone cluster";
                throw new AssertionError(what + "\n" + cluster.logs(), e);
            } finally {
                done.set(true);
                killer.join(TimeUnit.SECONDS.toMillis(15));
            }
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
            cluster.close();
        }
        List<ProcessHandle> leftovers = cluster.alive();
        String logs = cluster.logs();

        // The kill: an executor JVM that was running a trial for a while, gone for good.
        Kill killed = kill.get();
        assertNotNull(killed, "no executor was killed while a trial trained (killer thread: " + killerFailure.get()
                + ")\n" + logs);
        assertTrue(killed.gone(), "the executor JVM survived SIGKILL: " + killed);
        assertTrue(killed.commandLine().contains(SparkStandalone.EXECUTOR_CLASS), killed.commandLine());
        // The farm's executor settings reached the executor JVM (its worker was started without them).
        assertEquals("1", killed.environment().get("OMP_NUM_THREADS"), "executor environment " + killed.environment());
        // glibc parses GLIBC_TUNABLES at process start by writing a NUL after the first tunable, in place, so
        // /proc/PID/environ shows only that first one.
        String tunables = killed.environment().getOrDefault("GLIBC_TUNABLES", "");
        assertTrue(!tunables.isEmpty() && FarmJob.GLIBC_TUNABLES.startsWith(tunables), "GLIBC_TUNABLES=" + tunables);
        for (String option : executorJavaOptions().split(" ")) {
            assertTrue(killed.commandLine().contains(" " + option + " "), option + " not in " + killed.commandLine());
        }

        // What Spark saw: the executor lost, its task failed with it, and a later attempt of that task succeeded.
        Events events = Events.LATEST.get();
        assertNotNull(events);
        assertTrue(events.removed.containsKey(killed.executorId()), "executor removals " + events.removed);
        List<End> ends = events.ends();
        assertTrue(ends.stream().anyMatch(e -> e.taskId() == killed.taskId() && !e.successful()
                        && e.executorLost() && e.executorId().equals(killed.executorId())),
                "the killed executor's task did not fail with ExecutorLostFailure: " + ends);
        assertTrue(ends.stream().anyMatch(e -> e.index() == killed.taskIndex() && e.successful() && e.attempt() >= 1
                        && !e.executorId().equals(killed.executorId())),
                "the lost trial was not rerun on another executor: " + ends);
        // The cluster replaced the lost executor: the Worker launched a third executor JVM.
        List<String> executorJvms = cluster.executorIdsSeen();
        assertTrue(executorJvms.size() >= 3 && executorJvms.indexOf(killed.executorId()) >= 0,
                "executor JVMs seen " + executorJvms);

        // The farm: complete, no failures, the lost trial at its second attempt and every other one at its first.
        int trials = TRIALS * SCHEDULES.size();
        assertEquals(trials, report.outcomes().size(), report.toString());
        assertTrue(report.failed().isEmpty(), report.failed().toString());
        assertEquals(1, report.outcomes().stream().filter(o -> o.attempt() == 1).count(), report.outcomes().toString());
        assertEquals(trials - 1, report.outcomes().stream().filter(o -> o.attempt() == 0).count());

        // The outputs, read by DuckDB: one succeeded row per trial, and every prediction and metric exactly once.
        String trialsTable = Duck.table(out, "trials");
        List<List<String>> expectedRows = new ArrayList<>();
        for (String schedule : SCHEDULES.stream().sorted().toList()) {
            for (int t = 0; t < TRIALS; t++) {
                expectedRows.add(List.of(schedule, Integer.toString(t), "1", "succeeded"));
            }
        }
        assertEquals(expectedRows, Duck.query("SELECT schedule, trial, count(*), max(status) FROM " + trialsTable
                + " GROUP BY ALL ORDER BY ALL"));
        assertEquals(List.of(List.of("1", "1")), Duck.query("SELECT attempt, count(*) FROM " + trialsTable
                + " WHERE attempt > 0 GROUP BY ALL"));
        int recordEpochs = EPOCHS / RECORD_EVERY;
        long predictions = (long) trials * recordEpochs * TEST_IMAGES;
        assertEquals(List.of(List.of(Long.toString(predictions), Long.toString(predictions))),
                Duck.query("SELECT count(*), count(DISTINCT (schedule, epoch, trial, image)) FROM "
                        + Duck.table(out, "predictions")));
        assertEquals(List.of(List.of(Long.toString((long) trials * EPOCHS), Long.toString((long) trials * EPOCHS))),
                Duck.query("SELECT count(*), count(DISTINCT (schedule, trial, epoch)) FROM "
                        + Duck.table(out, "metrics")));

        // Clean up: no process of the cluster (the Worker, executors, the replacement) outlives the test.
        assertTrue(leftovers.isEmpty(), "processes left behind: " + leftovers);
        assertTrue(ProcessHandle.current().descendants()
                        .noneMatch(p -> SparkStandalone.commandLine(p).contains("org.apache.spark")),
                "Spark processes left behind");
        // Where the time goes (seconds since the test started), for whoever watches the suite's budget.
        System.out.printf("LostExecutorTest: farm started %.1f, executors registered %s, executor %s killed %.1f "
                        + "(%d ms into its trial), farm done %.1f (%d trials, %s s each), test done %.1f%n",
                seconds(farmStart - start), events.added.entrySet().stream().sorted(Map.Entry.comparingByValue())
                        .map(e -> e.getKey() + "@" + String.format("%.1f", seconds(e.getValue() - start))).toList(),
                killed.executorId(), seconds(killed.at() - start), killed.runningMillis(), seconds(farmEnd - start),
                trials, report.outcomes().stream().map(o -> String.format("%.1f", o.wallSeconds())).toList(),
                seconds(System.currentTimeMillis() - start));
    }

    /**
     * Until the farm is done: waits for a trial task whose executor JVM has had ND4J's natives loaded for
     * {@link #KILL_AFTER_MILLIS} (so the trial is training, not starting), SIGKILLs that JVM once, then only
     * watches the deadline, past which it cancels the farm's jobs (and says so in {@code cancelled}).
     */
    private static void killOneExecutorWhileItTrains(SparkStandalone cluster, AtomicReference<Kill> kill,
                                                    AtomicBoolean done, AtomicBoolean cancelled, long deadline) {
        Map<Long, Long> nativesSeen = new HashMap<>(); // task id -> when its executor first had ND4J loaded
        while (!done.get()) {
            Events events = Events.LATEST.get();
            if (kill.get() == null && events != null) {
                long now = System.currentTimeMillis();
                for (TaskInfo task : events.running.values()) {
                    Optional<ProcessHandle> process = cluster.executor(task.executorId());
                    if (process.isEmpty()) {
                        continue;
                    }
                    if (!nativesSeen.containsKey(task.taskId())
                            && SparkStandalone.hasLoaded(process.get(), ND4J_LIBRARY)) {
                        nativesSeen.put(task.taskId(), now);
                    }
                    Long since = nativesSeen.get(task.taskId());
                    if (since != null && now - since >= KILL_AFTER_MILLIS && events.running.containsKey(task.taskId())
                            && !done.get()) {
                        Map<String, String> env = SparkStandalone.environment(process.get());
                        String commandLine = SparkStandalone.commandLine(process.get());
                        boolean gone = SparkStandalone.kill(process.get());
                        kill.set(new Kill(task.executorId(), process.get().pid(), task.taskId(), task.index(),
                                now - task.launchTime(), now, gone, env, commandLine));
                        break;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                cancelled.set(true);
                scala.Option<SparkSession> session = SparkSession.getDefaultSession();
                if (session.isDefined()) {
                    session.get().sparkContext().cancelAllJobs();
                }
                return;
            }
            cluster.executors(); // remembers every executor JVM, so close() can account for all of them
            SparkStandalone.sleep(100);
        }
    }

    private static double seconds(long millis) {
        return millis / 1e3;
    }

    /**
     * The ND4J settings surefire gives this JVM (root pom, {@code mixfarm.nd4j.props}; Spark adds its own
     * {@code --add-opens} list to executors), and, for this test's speed only, the quick JIT and the serial
     * collector: the executors live for seconds, and C2 compiling on 2 cores cost ~40% of their CPU.
     */
    private static String executorJavaOptions() {
        return "-D" + RuntimeSetup.HELPERS_DISABLE + "=" + System.getProperty(RuntimeSetup.HELPERS_DISABLE, "false")
                + " -D" + RuntimeSetup.PLATFORM_EXTENSION + "="
                + System.getProperty(RuntimeSetup.PLATFORM_EXTENSION, "-onednn")
                + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    }

    /** The end of one task attempt as the driver saw it. */
    record End(long taskId, int index, int attempt, String executorId, boolean successful, boolean executorLost,
               String reason) {
    }

    /**
     * What the driver's scheduler reports, registered through {@code spark.extraListeners} (so it sees the very
     * first task); public with a public constructor because Spark instantiates it by reflection.
     */
    public static final class Events extends SparkListener {

        static final AtomicReference<Events> LATEST = new AtomicReference<>();

        final Map<Long, TaskInfo> running = new ConcurrentHashMap<>();
        /** Executor id -> when it registered (epoch millis). */
        final Map<String, Long> added = new ConcurrentHashMap<>();
        final Map<String, String> removed = new ConcurrentHashMap<>();
        private final List<End> ends = Collections.synchronizedList(new ArrayList<>());

        public Events() {
            LATEST.set(this);
        }

        List<End> ends() {
            synchronized (ends) {
                return List.copyOf(ends);
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart event) {
            running.put(event.taskInfo().taskId(), event.taskInfo());
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd event) {
            TaskInfo task = event.taskInfo();
            running.remove(task.taskId());
            ends.add(new End(task.taskId(), task.index(), task.attemptNumber(), task.executorId(), task.successful(),
                    event.reason() instanceof ExecutorLostFailure, event.reason().toString()));
        }

        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded event) {
            added.put(event.executorId(), event.time());
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
            removed.put(event.executorId(), event.reason());
        }
    }
}
