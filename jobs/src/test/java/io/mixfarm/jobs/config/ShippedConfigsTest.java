package io.mixfarm.jobs.config;

import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.BnEval;
import io.mixfarm.core.trial.MinibatchOrder;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.jobs.spark.KryoSetup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configs shipped in conf/: they load, and the paper ones are exactly docs/method.md's "Schedules". */
class ShippedConfigsTest {

    /** Tests run with the module as working directory; the shipped configs live in the project's conf/. */
    private static final Path CONF = Path.of("..", "conf");

    private static final double EPS = 1e-12;

    private static ExperimentConfig load(String name) {
        return ExperimentConfig.load(CONF.resolve(name), List.of());
    }

    /** Experiment files: every conf/*.conf except Spark properties files (spark-*.conf) and log4j2. */
    private static List<Path> experimentFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(CONF, "*.conf")) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (!name.startsWith("spark-") && !name.startsWith("log4j2")) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    @Test
    void everyExperimentFileLoadsAndValidates() throws IOException {
        List<Path> files = experimentFiles();
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("mnist-sample.conf", "mnist-paper.conf", "mnist-mixing.conf",
                "mnist-fixed-init.conf",
                "mnist-negative-control.conf", "cifar10-table1.conf", "cifar10-small-lr.conf", "cifar10-tiny.conf")),
                names.toString());
        for (Path file : files) {
            ExperimentConfig config = ExperimentConfig.load(file, List.of());
            assertFalse(config.plan().isEmpty(), file.toString());
            // The rendered config reads back equal: nothing in the file depends on where it was read from.
            assertEquals(config, ExperimentConfig.parse(config.render(), List.of()), file.toString());
        }
    }

    @Test
    void paperIsFigure3OnFullMnist() {
        ExperimentConfig config = load("mnist-paper.conf");
        assertEquals("mnist-paper", config.name());
        assertEquals("runs/mnist-paper", config.output());
        assertEquals("mnist:data/mnist", config.data());
        assertEquals(32, config.model().width());
        assertEquals(128, config.batchSize());
        assertEquals(200, config.epochs());
        assertEquals(500, config.trials());
        assertFalse(config.fixedInit());
        assertEquals(List.of("Const", "LR-decay", "WD-decay"), config.scheduleNames());

        List<Integer> everyTenth = IntStream.rangeClosed(1, 20).map(i -> 10 * i).boxed().toList();
        assertEquals(everyTenth, config.recordEpochs());
        assertTrue(config.recordEpochs().contains(120));
        assertTrue(config.recordEpochs().contains(200));

        List<PlannedTrial> plan = config.plan();
        assertEquals(1_500, plan.size());
        for (String schedule : config.scheduleNames()) {
            assertEquals(500, plan.stream().filter(t -> t.key().schedule().equals(schedule)).count(), schedule);
        }
        assertDistinctSeeds(plan);
        for (PlannedTrial trial : plan) {
            assertEquals(trial.spec().seed(), trial.spec().initSeed(), "own w0 per trial: " + trial.key());
            assertEquals(config.recordEpochs(), trial.spec().recordEpochs());
            assertEquals(200, trial.spec().epochs());
        }
    }

    @Test
    void paperSchedulesMatchTheTableEpochByEpoch() {
        ExperimentConfig config = load("mnist-paper.conf");
        for (Schedule schedule : config.schedules()) {
            for (int epoch = 1; epoch <= 200; epoch++) {
                double[] expected = expected(schedule.name(), epoch);
                String where = schedule.name() + " epoch " + epoch;
                assertEquals(expected[0], schedule.lr(epoch), EPS, "lr, " + where);
                assertEquals(expected[1], schedule.wd(epoch), EPS, "wd, " + where);
                if (epoch >= 81 && epoch <= 120) {
                    assertEquals(0.01, schedule.intrinsicLr(epoch), EPS, "lambda_e, " + where);
                }
            }
        }
        // Every planned trial trains one of these three schedules.
        for (PlannedTrial trial : config.plan()) {
            assertTrue(config.schedules().contains(trial.spec().schedule()), trial.key().toString());
        }
    }

    /** {lr, wd} of docs/method.md's figure 3 table ("Schedules"). */
    private static double[] expected(String schedule, int epoch) {
        if (epoch > 120) {
            return new double[] {0.01, 0.0};
        }
        int phase = (epoch - 1) / 40; // 0: 1-40, 1: 41-80, 2: 81-120
        double[] decay = {0.4, 0.2, 0.1};
        return switch (schedule) {
            case "Const" -> new double[] {0.1, 0.1};
            case "LR-decay" -> new double[] {decay[phase], 0.1};
            case "WD-decay" -> new double[] {0.1, decay[phase]};
            default -> throw new AssertionError("unexpected schedule " + schedule);
        };
    }

    @Test
    void fixedInitIsThePaperWithOneSharedW0() {
        ExperimentConfig paper = load("mnist-paper.conf");
        ExperimentConfig config = load("mnist-fixed-init.conf");
        assertTrue(config.fixedInit());
        assertEquals("mnist-fixed-init", config.name());
        assertEquals("runs/mnist-fixed-init", config.output());
        // Everything else is the paper's experiment.
        ExperimentConfig same = new ExperimentConfig(paper.name(), paper.data(), paper.preprocessing(), paper.model(),
                paper.batchSize(), paper.epochs(), paper.recordEpochs(), paper.schedules(), paper.trials(),
                paper.seed(), true, paper.output(), paper.threadsPerTrial(), paper.evaluation());
        assertEquals(same, new ExperimentConfig(paper.name(), config.data(), config.preprocessing(), config.model(),
                config.batchSize(), config.epochs(), config.recordEpochs(), config.schedules(), config.trials(),
                config.seed(), config.fixedInit(), paper.output(), config.threadsPerTrial(),
                config.evaluation()));

        List<PlannedTrial> plan = config.plan();
        assertEquals(1_500, plan.size());
        Set<Long> initSeeds = new HashSet<>();
        plan.forEach(t -> initSeeds.add(t.spec().initSeed()));
        assertEquals(Set.of(Seeds.sharedInitSeed(config.seed())), initSeeds);
        assertDistinctSeeds(plan);
    }

    @Test
    void negativeControlDiffersOnlyInItsExtraScheduleIntrinsicLr() {
        ExperimentConfig paper = load("mnist-paper.conf");
        ExperimentConfig config = load("mnist-negative-control.conf");
        assertEquals("mnist-negative-control", config.name());
        assertEquals("runs/mnist-negative-control", config.output());
        assertEquals(4, config.schedules().size());
        assertEquals(paper.schedules(), config.schedules().subList(0, 3));
        assertEquals(2_000, config.plan().size());
        assertDistinctSeeds(config.plan());

        Schedule control = config.schedules().get(3);
        assertEquals("WD-decay-lambda-e-0.04", control.name());
        assertEquals(0.04, control.intrinsicLr(100), EPS);
        for (Schedule schedule : paper.schedules()) {
            assertEquals(0.01, schedule.intrinsicLr(100), EPS, schedule.name());
        }
        // Same as WD-decay everywhere but epochs 81-120.
        Schedule wdDecay = paper.schedules().get(2);
        for (int epoch = 1; epoch <= 200; epoch++) {
            boolean differs = epoch >= 81 && epoch <= 120;
            assertEquals(wdDecay.lr(epoch), control.lr(epoch), EPS, "lr, epoch " + epoch);
            assertEquals(differs ? 0.4 : wdDecay.wd(epoch), control.wd(epoch), EPS, "wd, epoch " + epoch);
        }
    }

    @Test
    void cifar10Table1IsFigure1WithTheFiveTable1Schedules() {
        ExperimentConfig config = load("cifar10-table1.conf");
        assertEquals("cifar10-table1", config.name());
        assertEquals("runs/cifar10-table1", config.output());
        assertEquals("cifar10:data/cifar10", config.data());
        assertEquals(Preprocessing.CIFAR, config.preprocessing());
        assertEquals(ModelSpec.preResNet32(16), config.model());
        assertEquals(128, config.batchSize());
        assertEquals(1200, config.epochs());
        assertEquals(List.of("Schedule_1", "Schedule_2", "Schedule_3", "Schedule_4", "Schedule_5"),
                config.scheduleNames());
        assertEquals(IntStream.rangeClosed(1, 12).map(i -> 100 * i).boxed().toList(), config.recordEpochs());
        assertEquals(50, config.plan().size());
        assertDistinctSeeds(config.plan());

        // Table 1 by hand: {lr, wd} in our epochs 1-100, 101-200, ..., 401-500; then all at 0.4, 5e-4 until 1000.
        double[][] lr = {
                {0.4, 0.1, 0.4, 0.1, 0.2}, {0.4, 0.4, 0.4, 0.4, 0.4}, {0.4, 1.6, 0.8, 0.4, 0.1},
                {0.4, 1.6, 0.8, 0.4, 0.1}, {12.8, 6.4, 3.2, 1.6, 0.8}};
        double[] wd4 = {5e-4, 2e-3, 1e-3, 5e-4, 1.25e-4};
        for (int k = 0; k < 5; k++) {
            Schedule schedule = config.schedules().get(k);
            for (int epoch = 1; epoch <= 1200; epoch++) {
                String where = schedule.name() + " epoch " + epoch;
                int phase = (epoch - 1) / 100;
                double expectedLr = epoch > 1000 ? 0.04 : phase >= 5 ? 0.4 : lr[k][phase];
                double expectedWd = epoch > 1000 ? 0 : phase >= 5 || k != 3 ? 5e-4 : wd4[phase];
                assertEquals(expectedLr, schedule.lr(epoch), EPS, "lr, " + where);
                assertEquals(expectedWd, schedule.wd(epoch), EPS, "wd, " + where);
                assertEquals(0.0, schedule.momentum(epoch), "plain SGD, " + where);
            }
        }
        // The documented short version keeps every phase.
        ExperimentConfig shortRun = ExperimentConfig.load(CONF.resolve("cifar10-table1.conf"),
                List.of("epochs=24", "record-epochs=[]", "record-every=2", "trials=2"));
        assertEquals(List.of(3, 5, 7, 9, 11, 21), shortRun.schedules().get(0).boundaries());
    }

    @Test
    void cifar10SmallLrIsFigure2WithMomentumAndACommonPhaseFromEpoch121() {
        ExperimentConfig config = load("cifar10-small-lr.conf");
        assertEquals("cifar10-small-lr", config.name());
        assertEquals(Preprocessing.CIFAR, config.preprocessing());
        assertEquals(ModelSpec.preResNet32(16), config.model());
        assertEquals(5200, config.epochs());
        assertEquals(List.of("wd_5000_5000_lr_0_0", "wd_5000_5000_lr_80_120"), config.scheduleNames());
        assertTrue(config.recordEpochs().containsAll(List.of(120, 200, 5000, 5200)), config.recordEpochs().toString());
        Schedule small = config.schedules().get(0);
        Schedule baseline = config.schedules().get(1);
        for (int epoch = 1; epoch <= 5200; epoch++) {
            String where = "epoch " + epoch;
            assertEquals(0.9, small.momentum(epoch), where);
            assertEquals(0.9, baseline.momentum(epoch), where);
            assertEquals(0.001, small.lr(epoch), EPS, where);
            assertEquals(epoch <= 80 ? 0.1 : epoch <= 120 ? 0.01 : 0.001, baseline.lr(epoch), EPS, where);
            double wd = epoch <= 5000 ? 5e-4 : 5e-6;
            assertEquals(wd, small.wd(epoch), EPS, where);
            assertEquals(wd, baseline.wd(epoch), EPS, where);
        }
        ExperimentConfig shortRun = ExperimentConfig.load(CONF.resolve("cifar10-small-lr.conf"),
                List.of("epochs=52", "record-epochs=[]", "record-every=4", "trials=2"));
        assertEquals(List.of(2, 3, 51), shortRun.schedules().get(1).boundaries());
        ConfigException tooShort = assertThrows(ConfigException.class, () -> ExperimentConfig.load(
                CONF.resolve("cifar10-small-lr.conf"), List.of("epochs=13", "record-epochs=[]")));
        assertTrue(tooShort.getMessage().contains("needs at least 14 epochs"), tooShort.getMessage());
    }

    @Test
    void cifar10TinyIsTwoOneEpochTrialsOfANarrowPreResNetOnBothUpdateRules() {
        ExperimentConfig config = load("cifar10-tiny.conf");
        assertEquals(Preprocessing.CIFAR, config.preprocessing());
        assertEquals(ModelSpec.PRERESNET32, config.model().architecture());
        assertTrue(config.model().width() <= 4);
        assertEquals(1, config.epochs());
        assertEquals(2, config.plan().size());
        assertEquals(List.of(false, true), config.schedules().stream().map(Schedule::hasMomentum).toList());
    }

    @Test
    void sparkGpuPropertiesHaveTheRequiredKeys() throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(CONF.resolve("spark-gpu.properties"))) {
            props.load(reader);
        }
        assertEquals("1", props.getProperty("spark.executor.resource.gpu.amount"));
        double task = Double.parseDouble(props.getProperty("spark.task.resource.gpu.amount"));
        assertTrue(task > 0 && task <= 1, "spark.task.resource.gpu.amount in (0, 1], got " + task);
        assertEquals("submit/gpu-discovery.sh", props.getProperty("spark.executor.resource.gpu.discoveryScript"));
        assertEquals("org.apache.spark.serializer.KryoSerializer", props.getProperty("spark.serializer"));
        // Named by its class, so that a rename breaks this test rather than the cluster.
        assertEquals(KryoSetup.class.getName(), props.getProperty("spark.kryo.registrator"));
        String overhead = props.getProperty("spark.executor.memoryOverhead");
        assertNotNull(overhead);
        assertTrue(overhead.matches("\\d+[gG]") && Integer.parseInt(overhead.replaceAll("\\D", "")) >= 2,
                "memoryOverhead of a few GB for ND4J's off-heap memory, got " + overhead);
        assertEquals("false", props.getProperty("spark.speculation"));
        assertEquals("4", props.getProperty("spark.task.maxFailures"));
        String javaOptions = props.getProperty("spark.executor.extraJavaOptions");
        assertNotNull(javaOptions);
        assertTrue(javaOptions.contains("-Dorg.eclipse.deeplearning4j.helpers.disable=false"), javaOptions);
        assertFalse(javaOptions.contains("-onednn"), "the CUDA natives have no -onednn build: " + javaOptions);
        assertEquals("1", props.getProperty("spark.executorEnv.OMP_NUM_THREADS"));
    }

    /**
     * The memory arithmetic documented in spark-gpu.properties: one core per concurrent trial, and the JVM-wide
     * resident-memory limit above the heap plus 1.5 GB per trial yet under the container (memory + overhead), so
     * an executor over budget fails a task with a Java OutOfMemoryError before its container is killed.
     */
    @Test
    void sparkGpuPropertiesSizeMemoryForTheTrialsPerGpu() throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(CONF.resolve("spark-gpu.properties"))) {
            props.load(reader);
        }
        int trialsPerGpu = (int) Math.round(1 / Double.parseDouble(props.getProperty("spark.task.resource.gpu.amount")));
        assertEquals(trialsPerGpu, Integer.parseInt(props.getProperty("spark.executor.cores")));
        long heap = gigabytes(props.getProperty("spark.executor.memory"));
        long container = heap + gigabytes(props.getProperty("spark.executor.memoryOverhead"));
        String limit = java.util.Arrays.stream(props.getProperty("spark.executor.extraJavaOptions").split(" "))
                .filter(o -> o.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes=")).findFirst()
                .orElseThrow(() -> new AssertionError("no maxphysicalbytes in spark.executor.extraJavaOptions"));
        long maxPhysical = gigabytes(limit.substring(limit.indexOf('=') + 1));
        assertTrue(maxPhysical * 2 >= heap * 2 + trialsPerGpu * 3L, "maxphysicalbytes " + maxPhysical
                + "g holds the heap and 1.5g per trial for " + trialsPerGpu + " trials");
        assertTrue(maxPhysical < container, "maxphysicalbytes " + maxPhysical + "g under the container's " + container
                + "g");
    }

    @Test
    void mixingIsThePaperScaleStudyOnFullMnist() {
        ExperimentConfig paper = load("mnist-paper.conf");
        ExperimentConfig config = load("mnist-mixing.conf");
        assertEquals("mnist-mixing", config.name());
        assertEquals("runs/mnist-mixing", config.output());
        assertEquals(paper.data(), config.data(), "full MNIST, read as the paper's experiment reads it");
        assertEquals(paper.model(), config.model(), "the paper's width-32 network");
        assertEquals(paper.batchSize(), config.batchSize());
        assertTrue(config.trials() >= 200, "trials per schedule: " + config.trials());
        assertEquals(BnEval.RECOMPUTED, config.evaluation().bn());

        MixingStudy study = MixingStudy.recognise(config.schedules(), config.epochs()).orElseThrow();
        assertEquals(List.of(0.04, 0.02, 0.01, 0.005), study.intrinsicLrs());
        assertEquals(0.1, study.lr(), EPS);
        double smallest = 0.005;
        double largest = 0.04;
        int perEpoch = MinibatchOrder.stepsPerEpoch(60_000, config.batchSize());
        // Equilibrium comes O(1/l) steps after a change, slowest at the smallest l: the prefix and the time after the
        // perturbation are each several times 1/l there.
        assertTrue(study.prefixEpochs() * perEpoch * smallest >= 20, "prefix " + study.prefixEpochs() + " epochs");
        assertTrue(study.epochsAfter() * perEpoch * smallest >= 5, "after " + study.epochsAfter() + " epochs");

        // Record points from the perturbation to the end, at most 1/(2 l) steps apart at the largest l.
        long start = (long) study.prefixEpochs() * perEpoch;
        List<Long> after = config.recordSteps().points(config.epochs(), config.recordEpochs(), perEpoch).stream()
                .map(RecordPoint::step).filter(step -> step >= start).toList();
        assertEquals(start, after.get(0), "the last point before the perturbation");
        assertEquals((long) config.epochs() * perEpoch, after.get(after.size() - 1));
        for (int i = 1; i < after.size(); i++) {
            assertTrue(after.get(i) - after.get(i - 1) <= 1 / (2 * largest), "points " + after.get(i - 1) + " and "
                    + after.get(i));
        }
    }

    private static long gigabytes(String size) {
        assertTrue(size.matches("\\d+[gG]"), "a size in g: " + size);
        return Long.parseLong(size.substring(0, size.length() - 1));
    }

    private static void assertDistinctSeeds(List<PlannedTrial> plan) {
        Set<Long> seeds = new HashSet<>();
        plan.forEach(t -> seeds.add(t.spec().seed()));
        assertEquals(plan.size(), seeds.size(), "every trial has its own seed");
    }
}
