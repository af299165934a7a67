package io.mixfarm.jobs.farm;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Spark installation for tests, made from jars Maven already has: {@code jars/} links to the given jars (Spark's
 * launcher puts {@code SPARK_HOME/jars/*} on every JVM it starts), and {@code bin/spark-submit} does what Spark's
 * own does, through Spark's launcher ({@code org.apache.spark.launcher.Main} builds the java command: class
 * path, driver memory and Java options, the {@code --add-opens} list) and then {@code SparkSubmit}.
 *
 * <p>Class directories (such as {@code target/classes}) cannot go into {@code jars/}; they are kept for
 * {@code spark.executor.extraClassPath} ({@link #classDirectories()}).
 */
final class SparkHome implements AutoCloseable {

    /** The launcher's command comes NUL-separated (as Spark's bin/spark-class reads it); exec it. */
    private static final String SPARK_SUBMIT = """
            #!/usr/bin/env bash
            # spark-submit as Spark's bin/spark-submit and bin/spark-class run it.
            set -euo pipefail
            mapfile -d '' cmd < <("$JAVA_HOME/bin/java" -Xmx128m -cp "$SPARK_HOME/jars/*" \\
              org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit "$@")
            # The launcher prints a NUL and a newline first (spark-class reads lines up to them), then the command.
            cmd=("${cmd[@]:1}")
            cmd[0]="${cmd[0]#$'\\n'}"
            exec "${cmd[@]}"
            """;

    private final Path home;
    private final String classDirectories;

    private SparkHome(Path home, String classDirectories) {
        this.home = home;
        this.classDirectories = classDirectories;
    }

    /** Links every jar of {@code classpath} into {@code home/jars} and writes {@code home/bin/spark-submit}. */
    static SparkHome create(Path home, List<String> classpath) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        List<String> directories = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : classpath) {
            Path path = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(path)) {
                directories.add(path.toString());
            } else if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
                String name = path.getFileName().toString();
                if (!names.add(name)) {
                    name = names.size() + "-" + name; // same file name from two groups: keep both
                    names.add(name);
                }
                link(jars.resolve(name), path);
            }
        }
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, SPARK_SUBMIT);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new SparkHome(home, String.join(File.pathSeparator, directories));
    }

    /**
     * Spark's own jars, as a cluster's {@code SPARK_HOME/jars} has them: the whole dependency closure of
     * spark-sql, which the {@code spark-dist} module lists (failsafe passes the file as
     * {@code mixfarm.spark.classpath}). Not the jobs module's provided scope: Maven gives a jar that mixfarm
     * needs too (slf4j-api, ...) mixfarm's scope, so that list lacks jars Spark cannot start without.
     */
    static List<String> sparkJars() throws IOException {
        String file = System.getProperty("mixfarm.spark.classpath");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("Spark's class path list " + file + " is missing: run mvn verify from "
                    + "the root (the spark-dist module writes it)");
        }
        return Stream.of(Files.readString(Path.of(file)).strip().split(File.pathSeparator))
                .filter(s -> !s.isBlank()).toList();
    }

    Path path() {
        return home;
    }

    Path sparkSubmit() {
        return home.resolve("bin").resolve("spark-submit");
    }

    /** The class directories of the class path it was made from. */
    String classDirectories() {
        return classDirectories;
    }

    /**
     * The environment of a process that uses this installation: this JVM's, without anything that would point
     * Spark elsewhere, plus the installation, its Scala version (without it the launcher looks for a Spark source
     * build), the loopback address and a scratch folder. The trial settings {@code OMP_NUM_THREADS} and
     * {@code GLIBC_TUNABLES} are removed too, so that processes get them only from whoever launches them.
     */
    Map<String, String> environment(Path local) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(key -> key.startsWith("SPARK_") || key.startsWith("PYSPARK_")
                || List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR", "OMP_NUM_THREADS", "GLIBC_TUNABLES",
                "MIXFARM_THREADS", "MIXFARM_JAR", "MIXFARM_PRINT_ONLY", "MIXFARM_GPU_CONF", "JAVA_OPTS").contains(key));
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", local.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    /** Removes the links (they point into the Maven repository), so whoever deletes the folder deletes only them. */
    @Override
    public void close() {
        try (Stream<Path> links = Files.list(home.resolve("jars"))) {
            for (Path link : links.toList()) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(target, link);
        }
    }
}
