package io.mixfarm.jobs.farm;

import org.apache.spark.SparkConf;
import org.apache.spark.deploy.master.Master$;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.rpc.RpcEnv;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real multi-JVM Spark standalone cluster for tests, made from the test's own classpath: a Master in the test's
 * JVM (as {@code local-cluster} runs it) and one Worker in a child JVM, which launches every executor as its own
 * JVM, as on a cluster. Everything it writes (installation, work dir, executor scratch space, logs) stays in the
 * folder it is given.
 *
 * <p>Why a Worker process rather than {@code local-cluster[N,C,M]}: {@code local-cluster} runs its Master and
 * Workers inside the driver JVM, and a Worker takes the Spark installation it builds executor command lines from
 * (and its work dir, {@code SPARK_HOME/work}) from its own environment variable {@code SPARK_HOME}, or else from
 * the {@code spark.test.home} property but only under Spark's internal {@code spark.testing} switch, which
 * changes the driver's behaviour too. A running JVM cannot set its own environment, so {@code local-cluster}
 * would need surefire to export {@code SPARK_HOME} to a fixed folder for every test of the module. Here the
 * test owns the Worker's environment and nothing outside this file is needed.
 *
 * <p>The Spark installation ({@link SparkHome}) is a folder whose {@code jars/} links to every jar of the test
 * classpath, or of Spark alone (Spark's launcher puts {@code SPARK_HOME/jars/*} on each executor's classpath);
 * class directories such as {@code target/classes} cannot go there and are given to executors with
 * {@code spark.executor.extraClassPath} ({@link #classDirectories()}). The Worker gets {@code SPARK_SCALA_VERSION} (without it the launcher looks for
 * a Spark source build and fails with "Cannot find any build directories"), {@code SPARK_LOCAL_IP} (the whole
 * cluster on the loopback interface) and {@code SPARK_LOCAL_DIRS}.
 */
final class SparkStandalone implements AutoCloseable {

    /** What an executor JVM's command line contains. */
    static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final String LOOPBACK = "127.0.0.1";

    private final Path dir;
    private final SparkHome home;
    private final RpcEnv master;
    private final Process worker;
    private final String masterUrl;
    /** Every process the cluster ever had (the Worker, executors), so close() can account for all of them. */
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();
    /** The executor id of every executor JVM seen, in order. */
    private final Set<String> executorIds = new LinkedHashSet<>();

    private SparkStandalone(Path dir, SparkHome home, RpcEnv master, Process worker, String masterUrl) {
        this.dir = dir;
        this.home = home;
        this.master = master;
        this.worker = worker;
        this.masterUrl = masterUrl;
        seen.add(worker.toHandle());
    }

    /**
     * Starts a Master, then a Worker with the given resources (it registers in the background; applications
     * wait for its executors).
     *
     * @param dir    an empty folder for the Spark installation, the Worker's work dir and scratch space, and logs
     * @param cores  the Worker's cores
     * @param memory the Worker's memory for executors, e.g. "3g"
     */
    static SparkStandalone start(Path dir, int cores, String memory) throws IOException {
        return start(dir, cores, memory, testClasspath());
    }

    /**
     * As {@link #start(Path, int, String)}, with a Spark installation made of {@code classpath} instead of the
     * test's class path, e.g. Spark's own jars only ({@link SparkHome#sparkJars()}), as on a real cluster.
     */
    static SparkStandalone start(Path dir, int cores, String memory, List<String> classpath) throws IOException {
        SparkHome home = SparkHome.create(dir.resolve("spark-home"), classpath);
        Path work = Files.createDirectories(dir.resolve("work"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path local = Files.createDirectories(dir.resolve("local"));

        Map<String, String> env = home.environment(local);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvm = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, classpath),
                // The Worker only starts executors: a small heap and the quick JIT leave the cores to the trials.
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        jvm.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));

        // The Master only books resources and needs no installation: it runs in this JVM, as in local-cluster,
        // on a free port it picks itself.
        SparkConf masterConf = new SparkConf(false).set("spark.master.rest.enabled", "false");
        RpcEnv master = Master$.MODULE$.startRpcEnvAndEndpoint(LOOPBACK, 0, 0, masterConf)._1();
        int port = master.address().port();
        String url = "spark://" + LOOPBACK + ":" + port;
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("org.apache.spark.deploy.worker.Worker", "--host", LOOPBACK, "--cores",
                Integer.toString(cores), "--memory", memory, "--work-dir", work.toString(), "--webui-port", "0", url));
        Process worker;
        try {
            worker = launch(command, env, logs.resolve("worker.log"));
        } catch (IOException | RuntimeException e) {
            stop(master);
            home.close();
            throw e;
        }
        return new SparkStandalone(dir, home, master, worker, url);
    }

    /** The Spark installation the Worker runs from (its {@code bin/spark-submit} submits to this cluster). */
    SparkHome home() {
        return home;
    }

    /** The executor folders the Worker made ({@code work/APP/EXECUTOR}), one per executor JVM it launched. */
    List<Path> executorWorkDirs() {
        try (Stream<Path> dirs = Files.walk(dir.resolve("work"), 2)) {
            return dirs.filter(p -> p.getNameCount() == dir.resolve("work").getNameCount() + 2)
                    .filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The master URL, {@code spark://127.0.0.1:PORT}. */
    String masterUrl() {
        return masterUrl;
    }

    /** The class directories of the test classpath, for {@code spark.executor.extraClassPath}. */
    String classDirectories() {
        return home.classDirectories();
    }

    /** The live executor JVMs, children of the Worker. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> executors = worker.toHandle().children()
                .filter(p -> commandLine(p).contains(EXECUTOR_CLASS)).toList();
        synchronized (seen) {
            for (ProcessHandle executor : executors) {
                if (seen.add(executor)) {
                    executorIds.add(argumentAfter(executor, "--executor-id"));
                }
            }
        }
        return executors;
    }

    /** The ids of the executor JVMs that {@link #executors()} has seen so far, live or not. */
    List<String> executorIdsSeen() {
        synchronized (seen) {
            return List.copyOf(executorIds);
        }
    }

    /** The live executor JVM with this executor id, if any. */
    Optional<ProcessHandle> executor(String executorId) {
        return executors().stream().filter(p -> argumentAfter(p, "--executor-id").equals(executorId)).findFirst();
    }

    /** The value following {@code flag} on a process's command line, or "". */
    static String argumentAfter(ProcessHandle process, String flag) {
        List<String> args = arguments(process);
        int at = args.indexOf(flag);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : "";
    }

    /** A process's environment as its kernel holds it (Linux {@code /proc}); empty if unreadable. */
    static Map<String, String> environment(ProcessHandle process) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ")),
                    StandardCharsets.UTF_8);
            return Stream.of(raw.split("\0")).filter(kv -> kv.indexOf('=') > 0)
                    .collect(Collectors.toMap(kv -> kv.substring(0, kv.indexOf('=')),
                            kv -> kv.substring(kv.indexOf('=') + 1), (a, b) -> b));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** Whether a process has mapped a shared library whose file name contains {@code name} (Linux {@code /proc}). */
    static boolean hasLoaded(ProcessHandle process, String name) {
        try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(process.pid()), "maps"))) {
            return maps.anyMatch(line -> line.contains(name));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The last lines of the Worker's log and of every executor's stderr, for failure messages. */
    String logs() {
        return tails(dir.resolve("logs")) + tails(dir.resolve("work"));
    }

    /** Every process of the cluster that is still alive. */
    List<ProcessHandle> alive() {
        synchronized (seen) {
            collectDescendants();
            return seen.stream().filter(ProcessHandle::isAlive).toList();
        }
    }

    /**
     * Stops the Worker (its shutdown hook kills its executors) and the Master, politely and then by force, and
     * makes sure that no process the cluster ever started outlives this call.
     */
    @Override
    public void close() {
        synchronized (seen) {
            collectDescendants();
        }
        stop(worker);
        stop(master);
        for (ProcessHandle process : alive()) {
            kill(process);
        }
        // The links point into the Maven repository: remove them here, so that whoever deletes this folder
        // (JUnit's @TempDir warns about every link it meets) deletes only the links.
        home.close();
    }

    private void collectDescendants() {
        worker.toHandle().descendants().forEach(seen::add);
    }

    private static void stop(RpcEnv master) {
        master.shutdown();
        master.awaitTermination();
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, then waits (bounded) until the process is gone; whether it is. */
    static boolean kill(ProcessHandle process) {
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return !process.isAlive();
    }

    static String commandLine(ProcessHandle process) {
        return String.join(" ", arguments(process));
    }

    private static List<String> arguments(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone: what the JDK knows.
            ProcessHandle.Info info = process.info();
            List<String> args = new ArrayList<>();
            info.command().ifPresent(args::add);
            info.arguments().ifPresent(a -> args.addAll(List.of(a)));
            return args;
        }
    }

    /** The test's classpath: surefire's (its own JVM runs from a manifest-only jar), else the JVM's. */
    private static List<String> testClasspath() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(classpath.split(File.pathSeparator)).filter(s -> !s.isBlank()).distinct().toList();
    }

    private static Process launch(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String tails(Path root) {
        if (!Files.isDirectory(root)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr"))
                    .sorted().toList()) {
                List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
                text.append("---- ").append(root.relativize(file)).append(" (last 30 lines)\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(line -> text.append(line).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            text.append("(cannot read logs under ").append(root).append(": ").append(e).append(")\n");
        }
        return text.toString();
    }
}
