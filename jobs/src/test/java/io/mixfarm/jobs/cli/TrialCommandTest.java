package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.farm.TinyFarm;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mixfarm trial --from} on a real farm's trial, started as the launcher starts it: a JVM of its own whose
 * OpenMP thread count (2, all cores of the development machine) is not the farm's (1, recorded as
 * {@code cpu:1-threads}).
 */
class TrialCommandTest {

    @TempDir
    static Path dir;

    private static Path out;

    @BeforeAll
    static void farm() {
        out = TinyFarm.run(dir, 1);
    }

    /** What a {@code mixfarm ...} JVM started with {@code OMP_NUM_THREADS=2} printed on stdout, and its status. */
    private record Run(int status, List<String> lines, String stderr) {
    }

    private static Run mixfarm(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(OpenMpRelaunch.command(List.of(args)));
        Path stdout = Files.createTempFile(dir, "stdout", ".txt");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put(OpenMpRelaunch.THREADS, "2");
        builder.environment().remove("MIXFARM_RELAUNCHED");
        int status = builder.start().waitFor();
        return new Run(status, Files.readAllLines(stdout), Files.readString(stderr));
    }

    @Test
    void theFarmsTrialIsRerunWithTheThreadCountTheFarmRecordedAndReproducedBitForBit() throws Exception {
        assertEquals("cpu:1-threads", new ExperimentStore(out.toString(), new Configuration()).trials()
                .get(new TrialKey("low", 0)).device(), "the farm recorded 1 thread");
        Run run = mixfarm("trial", "--from", out.toString(), "--schedule", "low", "--trial", "0");
        assertEquals(0, run.status(), run.lines() + run.stderr());
        assertEquals("rerunning trial low/0 of tiny from " + out + " with 1 OpenMP thread (OMP_NUM_THREADS=1), as "
                + "the farm ran it (cpu:1-threads): compared bit for bit", run.lines().get(0));
        assertTrue(run.lines().get(1).endsWith("ND4J backend CPU on cpu:1-threads, 1 threads"), run.lines().get(1));
        assertTrue(run.lines().stream().noneMatch(line -> line.startsWith("the farm's implementation was")),
                "the same build: " + run.lines());
        for (int epoch : List.of(1, 2)) {
            assertTrue(run.lines().contains("epoch " + epoch + ": predictions identical to the farm's (100 images)"),
                    run.lines().toString());
        }
    }

    @Test
    void anotherThreadCountIsUsedWhenAskedForAndTheComparisonSaysItCannotBeBitwise() throws Exception {
        // The trial as the farm names it (FAILED high/0 ...), the README's form.
        Run run = mixfarm("trial", "--from", out.toString(), "--trial", "high/0", "--threads", "2");
        assertEquals(0, run.status(), run.lines() + run.stderr());
        assertEquals("rerunning trial high/0 of tiny from " + out + " with 2 OpenMP threads (OMP_NUM_THREADS=2), but "
                + "the farm ran it on cpu:1-threads: compared for information only, it cannot be bitwise",
                run.lines().get(0));
        assertTrue(run.lines().get(1).endsWith("ND4J backend CPU on cpu:2-threads, 2 threads"), run.lines().get(1));
    }

    @Test
    void aMalformedTrialKeyIsOneLineBeforeAnythingRuns() {
        assertEquals(List.of("mixfarm: trial key \"high/x\": trial index \"x\" is not a whole number >= 0"),
                inProcess("trial", "--from", out.toString(), "--trial", "high/x"));
        assertEquals(List.of("mixfarm: trial key \"0\": expected SCHEDULE/TRIAL, e.g. Const/7"),
                inProcess("trial", "--from", out.toString(), "--trial", "0"));
        assertEquals(List.of("mixfarm: trial index \"high/0\" is not a whole number >= 0"),
                inProcess("trial", "--from", out.toString(), "--schedule", "high", "--trial", "high/0"));
    }

    /** The lines a {@code mixfarm} command that fails with status 2 in this JVM printed on stderr (stdout: none). */
    private static List<String> inProcess(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        assertEquals(2, cli.execute(args), stderr.toString());
        assertEquals("", stdout.toString());
        return stderr.toString().lines().toList();
    }
}
