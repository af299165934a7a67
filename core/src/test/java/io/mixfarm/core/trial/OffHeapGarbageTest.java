package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.OffHeapBytes;
import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a trial leaves off-heap for the garbage collector. ND4J frees an array made outside a workspace when it is
 * closed, or else when a collection finds its Java object; on the CPU backend nothing starts a collection for
 * off-heap memory, so a farm's JVM held what its trials' steps and evaluations had left between collections, and
 * malloc kept the space (docs/performance.md, "The sample mixing study"). A JVM of its own trains a tiny trial with
 * ND4J's collection of arrays switched off ({@code org.nd4j.noarraygc}), so that everything left to the collector
 * stays counted whether or not one runs, and prints libnd4j's count of host bytes held by arrays outside workspaces
 * ({@link OffHeapBytes}) after every epoch, and what each whole trial left.
 */
class OffHeapGarbageTest {

    /** Images of one batch of the trial below: what one step's batch holds off-heap, the bound per epoch. */
    private static final int BATCH = 64;
    private static final int EPOCHS = 5;
    /** Precise BN's batches: a trial holds them from start to end. */
    private static final int BN_BATCHES = 4;
    private static final long IMAGE_BYTES = 28 * 28 * Float.BYTES;

    /** The child's lines: {@code held BYTES} after each epoch of a first trial, {@code trial BYTES} per trial. */
    private static List<String> child;

    @BeforeAll
    static void runChild() throws IOException, InterruptedException {
        child = childLines();
    }

    @Test
    void anEpochOfStepsAndPreciseBnEvaluationsLeavesLessThanOneBatchOffHeap() {
        List<Long> held = values("held ");
        assertEquals(EPOCHS, held.size(), "one count per epoch: " + child);
        long batchBytes = BATCH * IMAGE_BYTES;
        // From the second epoch on: the first builds what a trial keeps (network, kernels, precise BN's batches).
        for (int epoch = 2; epoch <= EPOCHS; epoch++) {
            long grown = held.get(epoch - 1) - held.get(epoch - 2);
            assertTrue(grown < batchBytes, "epoch " + epoch + " left " + grown + " bytes off-heap for the garbage "
                    + "collector, more than one batch (" + batchBytes + "); bytes held after each epoch: " + held);
        }
    }

    @Test
    void aFinishedTrialLeavesLessThanItsPreciseBnBatchesOffHeap() {
        // What a trial holds for its whole length outlives many collections: left to the collector, it waits for the
        // heap's next full marking. What remains after a trial is the fused layers' own copies (docs/performance.md).
        List<Long> left = values("trial ");
        assertEquals(2, left.size(), "two trials: " + child);
        long batches = BN_BATCHES * BATCH * IMAGE_BYTES;
        for (long bytes : left) {
            assertTrue(bytes < batches, "a finished trial left " + bytes + " bytes off-heap for the garbage collector, "
                    + "its precise BN's batches are " + batches + "; per trial: " + left);
        }
    }

    private static List<Long> values(String prefix) {
        return child.stream().filter(line -> line.startsWith(prefix))
                .map(line -> Long.parseLong(line.substring(prefix.length()))).toList();
    }

    /** The child JVM's printed lines. */
    private static List<String> childLines() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-D") || option.startsWith("--add-")) {
                command.add(option);
            }
        }
        command.add("-Dorg.nd4j.noarraygc=true");
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OffHeapGarbageTest.class.getName());
        Path stdout = Files.createTempFile("offheap", ".out");
        Path stderr = Files.createTempFile("offheap", ".err");
        try {
            int status = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                    .start().waitFor();
            assertEquals(0, status, () -> "the trial's JVM failed: " + read(stderr));
            return Files.readAllLines(stdout);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * The child: a width-4 CNN on 512 training images (8 steps per epoch), precise BN on 4 batches, and an evaluation
     * every 4 steps from the second epoch on; prints {@code held BYTES} after each epoch of a first trial, then
     * {@code trial BYTES}, what each of two more trials left.
     */
    public static void main(String[] args) {
        Dataset sample = EmbeddedSample.load();
        Dataset slice = new Dataset("mnist-sample-slice", sample.train().slice(0, 512), sample.test().slice(0, 512));
        TrialSpec spec = new TrialSpec("mnist-sample-slice", ModelSpec.mnistCnn(4), Preprocessing.NONE,
                Schedule.parse("const", "1: lr=0.1 wd=0.1"), EPOCHS, BATCH, List.of(EPOCHS), new RecordSteps(2, 4),
                1, 1, Evaluation.recomputed(BN_BATCHES));
        new TrialRunner().run(spec, slice, metrics -> System.out.println("held " + OffHeapBytes.held()));
        for (int trial = 0; trial < 2; trial++) {
            long before = OffHeapBytes.held();
            new TrialRunner().run(spec, slice, metrics -> { });
            System.out.println("trial " + (OffHeapBytes.held() - before));
        }
    }
}
