package io.mixfarm.jobs.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Runs a mixfarm command again in a fresh JVM whose OpenMP thread count is set. OpenMP reads
 * {@code OMP_NUM_THREADS} once, when the process starts, and ND4J's thread settings do not change what a trial
 * computes afterwards: a width-8 MNIST CNN trained in a process started with 2 threads after
 * {@code setMaxThreads(1)} and {@code setMaxMasterThreads(1)} gave the 2-thread predictions bit for bit, not the
 * 1-thread ones. So a process started with another count (the launcher gives {@code trial} all cores) cannot
 * become a 1-thread process, and a new one is started instead.
 */
final class OpenMpRelaunch {

    /** The variable OpenMP reads at process start. */
    static final String THREADS = "OMP_NUM_THREADS";
    /** Set in the relaunched JVM, so that it never relaunches again. */
    private static final String RELAUNCHED = "MIXFARM_RELAUNCHED";

    private OpenMpRelaunch() {
    }

    /** This process's OpenMP thread count as its environment fixed it; empty if unset (OpenMP then uses all cores). */
    static OptionalInt processThreads() {
        String value = System.getenv(THREADS);
        try {
            return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Runs {@code mixfarm args...} in a new JVM with {@code threads} OpenMP threads, the same Java, JVM options
     * and class path, sharing this process's standard streams; returns its exit status.
     *
     * @throws IllegalStateException if this process is itself a relaunch (its count should have been right)
     */
    static int run(List<String> args, int threads) {
        if (System.getenv(RELAUNCHED) != null) {
            throw new IllegalStateException("relaunched with " + THREADS + "=" + threads + " but the process has "
                    + System.getenv(THREADS));
        }
        ProcessBuilder builder = new ProcessBuilder(command(args)).inheritIO();
        builder.environment().put(THREADS, Integer.toString(threads));
        builder.environment().put(RELAUNCHED, "1");
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a JVM with " + THREADS + "=" + threads + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the relaunched JVM ran", e);
        }
    }

    /** {@code java <this JVM's options> -cp <this class path> io.mixfarm.jobs.cli.Mixfarm args...}. */
    static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Mixfarm.class.getName());
        command.addAll(args);
        return command;
    }
}
