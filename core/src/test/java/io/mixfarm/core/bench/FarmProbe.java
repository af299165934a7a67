package io.mixfarm.core.bench;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSpec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Development probe: a local farm without Spark. Runs {@code trials} trials of {@code epochs} epochs of the embedded
 * sample (width 32, batch 128) one after another on one thread ({@code seq}), or on a pool of two threads of this
 * JVM ({@code par}), and prints each trial's wall and thread CPU time, the phase's wall time, and the CPU time of
 * every other thread of the JVM during the phase, by name (from {@code /proc/self/task}, Linux only): what two
 * trials of one JVM take from each other. Usage: {@code FarmProbe seq,par 4 3}; run it with the launchers'
 * {@code OMP_NUM_THREADS=1}, {@code OMP_WAIT_POLICY=PASSIVE} and {@code GLIBC_TUNABLES}.
 */
public final class FarmProbe {

    private static final Schedule SCHEDULE = Schedule.parse("probe", "1: lr=0.1 wd=0.1");

    public static void main(String[] args) throws Exception {
        String[] phases = args.length > 0 ? args[0].split(",") : new String[] {"seq", "par"};
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Dataset data = EmbeddedSample.load();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String phase : phases) {
            Map<String, Double> before = cpuByThreadName();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool("par".equals(phase) ? 2 : 1);
            List<Future<String>> runs = new ArrayList<>();
            for (int t = 1; t <= trials; t++) {
                TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(32), Preprocessing.NONE,
                        SCHEDULE, epochs, 128, List.of(epochs), t, t, Evaluation.RUNNING);
                runs.add(pool.submit(() -> {
                    long cpu = threads.getCurrentThreadCpuTime();
                    TrialResult result = new TrialRunner().run(spec, data, TrialObserver.NONE);
                    return String.format("%s trial %d wall %.2f s thread_cpu %.2f s", phase, spec.seed(),
                            result.wallSeconds(), (threads.getCurrentThreadCpuTime() - cpu) / 1e9);
                }));
            }
            for (Future<String> run : runs) {
                System.out.println(run.get());
            }
            pool.shutdown();
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Double> after = cpuByThreadName();
            after.forEach((name, seconds) -> {
                double used = seconds - before.getOrDefault(name, 0.0);
                if (used >= 0.05 && !name.startsWith("pool-")) {
                    System.out.printf("%s other_thread %-20s cpu %.2f s%n", phase, name, used);
                }
            });
            System.out.printf("%s wall %.2f s%n", phase, wall);
        }
        System.exit(0);
    }

    /** CPU seconds of this process's threads, summed by name with trailing digits dropped (G1's workers, ...). */
    private static Map<String, Double> cpuByThreadName() throws IOException {
        Map<String, Double> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended since the listing
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+$", "");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime, in clock ticks of 1/100 s
                byName.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0, Double::sum);
            }
        }
        return byName;
    }
}
