package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints the farm's progress on the driver as trials finish: done / total, failures, the trial's time and an
 * ETA; with a progress bar when a person watches a terminal. A farm runs one Spark job per generation of forks
 * (parents, then the schedules forking from them), each job's trials the tasks of one stage, so task index
 * {@code i} of generation {@code g}'s stage is trial {@code generations.get(g).get(i)}; a job says its generation in
 * the local property {@link #GENERATION}.
 */
final class FarmProgress extends SparkListener {

    /** The endings a task counts in an accumulator of its own, so that the driver can tell them from success. */
    static final List<TrialStatus> COUNTED = List.of(TrialStatus.FAILED, TrialStatus.DIVERGED);

    /** The local property that tells a farm job's generation. */
    static final String GENERATION = "mixfarm.generation";

    private final String jobGroup;
    private final List<List<TrialKey>> generations;
    private final int total;
    private final int slots;
    private final PrintStream out;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private final Map<Integer, List<TrialKey>> stages = new ConcurrentHashMap<>();
    private int done;
    private int failed;
    private int diverged;
    private int retried;
    private double trialSeconds;

    FarmProgress(String jobGroup, List<List<TrialKey>> generations, int slots, PrintStream out, boolean interactive) {
        this.jobGroup = jobGroup;
        this.generations = List.copyOf(generations);
        this.total = generations.stream().mapToInt(List::size).sum();
        this.slots = slots;
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        if (jobGroup.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
            List<TrialKey> keys = generations.get(Integer.parseInt(jobStart.properties().getProperty(GENERATION, "0")));
            scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageIds())
                    .forEach(id -> stages.put((Integer) id, keys));
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        List<TrialKey> keys = stages.get(taskEnd.stageId());
        if (keys == null) {
            return;
        }
        TaskInfo info = taskEnd.taskInfo();
        TrialKey key = keys.get(info.index());
        double seconds = info.duration() / 1e3;
        if (!info.successful()) {
            retried++;
            out.printf("  %s attempt %d failed on %s (%s); Spark retries it%n", key, info.attemptNumber(),
                    info.host(), taskEnd.reason().toString().lines().findFirst().orElse(""));
            return;
        }
        done++;
        trialSeconds += seconds;
        TrialStatus ending = ending(info);
        if (ending == TrialStatus.FAILED) {
            failed++;
        } else if (ending == TrialStatus.DIVERGED) {
            diverged++;
        }
        String word = switch (ending) {
            case SUCCEEDED -> "done";
            case FAILED -> "FAILED";
            case DIVERGED -> "DIVERGED";
        };
        double eta = (total - done) * (trialSeconds / done) / Math.max(1, slots);
        out.printf("%s[%d/%d] %s %s in %.1f s (attempt %d) | %d failed%s | elapsed %s | ETA %s%n",
                interactive ? bar() + " " : "", done, total, key, word, seconds, info.attemptNumber(),
                failed, diverged == 0 ? "" : ", " + diverged + " diverged",
                duration((System.nanoTime() - start) / 1e9), duration(eta));
        out.flush();
    }

    /** The name of the accumulator that counts trials ending with {@code status}. */
    static String accumulator(TrialStatus status) {
        return "mixfarm.trials." + status.stored();
    }

    /** How the task's trial ended, from the accumulator it bumped; succeeded if none. */
    private static TrialStatus ending(TaskInfo info) {
        for (AccumulableInfo acc : scala.jdk.javaapi.CollectionConverters.asJava(info.accumulables())) {
            for (TrialStatus status : COUNTED) {
                if (acc.name().isDefined() && accumulator(status).equals(acc.name().get()) && acc.update().isDefined()
                        && ((Number) acc.update().get()).longValue() > 0) {
                    return status;
                }
            }
        }
        return TrialStatus.SUCCEEDED;
    }

    private String bar() {
        int width = 20;
        int filled = (int) Math.round(width * (double) done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    int retried() {
        return retried;
    }
}
