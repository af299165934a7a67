package io.mixfarm.jobs.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The science path reads without the benchmarks: in the modules' main code, benchmark classes live in the modules'
 * {@code bench} packages, and nothing outside them uses a {@code bench} class but the two CLI commands that start
 * a benchmark, through the entry points docs/architecture.md names. In particular {@code core.trial} does not
 * import {@code core.bench}, which imports it (the two once imported each other).
 */
class BenchBoundaryTest {

    /** Tests run in the module's folder; the repository's root is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> MAIN_SOURCES = List.of("core/src/main/java", "analysis/src/main/java",
            "jobs/src/main/java");
    /** A use of a class of any module's bench package, in an import or in code. */
    private static final Pattern BENCH_CLASS = Pattern.compile("io\\.mixfarm\\.[a-z]+\\.bench\\.([A-Z][A-Za-z0-9]*)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([a-z.]+);");

    /** The classes outside the bench packages that start a benchmark, and the bench classes each may use. */
    private static final Map<String, Set<String>> ENTRY_POINTS = Map.of(
            "io.mixfarm.jobs.cli.BenchCommand", Set.of("io.mixfarm.jobs.bench.BenchJob",
                    "io.mixfarm.core.bench.BenchSettings", "io.mixfarm.core.bench.CpuPeak",
                    "io.mixfarm.core.bench.TrialBench"),
            "io.mixfarm.jobs.cli.RunCommand", Set.of("io.mixfarm.jobs.bench.CostProjection"));

    @Test
    void onlyTheDocumentedEntryPointsUseABenchClass() {
        List<String> found = new ArrayList<>();
        int scanned = forEachMainClass((file, className, source) -> {
            if (isBench(className)) {
                return;
            }
            Set<String> allowed = ENTRY_POINTS.getOrDefault(className, Set.of());
            for (String line : source.split("\n")) {
                String code = line.strip();
                if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                    continue; // a comment may name a benchmark; code may not use one
                }
                Matcher m = BENCH_CLASS.matcher(code);
                while (m.find()) {
                    if (!allowed.contains(m.group())) {
                        found.add(ROOT.relativize(file) + ": " + code);
                    }
                }
            }
        });
        assertTrue(scanned > 100, "scanned only " + scanned + " classes: is the repository's root " + ROOT + "?");
        assertEquals(List.of(), found, "bench classes used outside the bench packages and their entry points");
    }

    @Test
    void benchmarkClassesLiveInABenchPackage() {
        List<String> found = new ArrayList<>();
        forEachMainClass((file, className, source) -> {
            String simpleName = className.substring(className.lastIndexOf('.') + 1);
            if (simpleName.contains("Bench") && !isBench(className) && !ENTRY_POINTS.containsKey(className)) {
                found.add(className);
            }
        });
        assertEquals(List.of(), found, "benchmark classes outside the bench packages");
    }

    private static boolean isBench(String className) {
        return className.matches("io\\.mixfarm\\.[a-z]+\\.bench\\.[A-Za-z0-9_]+");
    }

    @FunctionalInterface
    private interface ClassVisitor {
        void visit(Path file, String className, String source);
    }

    /** Visits every main-scope source file of core, analysis and jobs; returns how many. */
    private static int forEachMainClass(ClassVisitor visitor) {
        int count = 0;
        for (String sources : MAIN_SOURCES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(sources))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher p = PACKAGE.matcher(source);
                    String name = file.getFileName().toString().replaceFirst("\\.java$", "");
                    visitor.visit(file, (p.find() ? p.group(1) + "." : "") + name, source);
                    count++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return count;
    }
}
