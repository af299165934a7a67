package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.jobs.config.ExperimentConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real, small farm for the tests that train one or read what one wrote (TV job, mixing job, SQL, report): the
 * first {@value #TRAIN_IMAGES} training and {@value #TEST_IMAGES} test images of the embedded sample written as an
 * MNIST folder in {@code dir/data}, a width-2 CNN in batches of {@value #BATCH_SIZE}, the outputs in {@code dir/out},
 * and Spark in local[2] with its UI off. Each test adds its own keys ({@link #with}), which win over these.
 */
public final class TinyFarm {

    /** Training images of the slice. */
    public static final int TRAIN_IMAGES = 300;
    /** Test images of the slice: what every record point predicts. */
    public static final int TEST_IMAGES = 100;
    /** The batch size every tiny farm trains with. */
    public static final int BATCH_SIZE = 64;
    /** SGD steps per epoch: {@value #TRAIN_IMAGES} images in batches of {@value #BATCH_SIZE}, the last one smaller. */
    public static final int STEPS_PER_EPOCH = 5;

    private final Path dir;
    private final List<String> keys;

    private TinyFarm(Path dir, List<String> keys) {
        this.dir = dir;
        this.keys = List.copyOf(keys);
    }

    /** Writes the slice into {@code dir/data}: a farm with the common keys only, until {@link #with} adds more. */
    public static TinyFarm in(Path dir) {
        Path data = dir.resolve("data");
        writeSlice(data);
        Path out = dir.resolve("out");
        return new TinyFarm(dir, List.of("data=\"mnist:" + data + "\"", "model.width=2", "batch-size=" + BATCH_SIZE,
                "output=\"" + out + "\""));
    }

    /** Writes the slice as an MNIST-format folder. */
    public static void writeSlice(Path folder) {
        Dataset sample = EmbeddedSample.load();
        IdxWriter.writeFolder(folder, new Dataset("slice", sample.train().slice(0, TRAIN_IMAGES),
                sample.test().slice(0, TEST_IMAGES)));
    }

    /** This farm with {@code key=value} settings added after its own ({@code --set} semantics: the last one wins). */
    public TinyFarm with(String... more) {
        List<String> all = new ArrayList<>(keys);
        all.addAll(List.of(more));
        return new TinyFarm(dir, all);
    }

    /** The output folder. */
    public Path out() {
        return dir.resolve("out");
    }

    /** The experiment: the defaults and these keys. */
    public ExperimentConfig config() {
        return ExperimentConfig.load(null, keys);
    }

    /** These keys as an experiment file {@code dir/fileName}, for {@code mixfarm run FILE}; returns its path. */
    public Path experimentFile(String fileName) {
        try {
            return Files.write(dir.resolve(fileName), keys.stream().map(key -> "experiment." + key).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs this farm ({@link #run(ExperimentConfig, FarmOptions)}). */
    public FarmReport run(FarmOptions options) {
        return run(config(), options);
    }

    /**
     * Runs a farm in local[2] with Spark's UI off, printing nothing; puts {@code spark.master} back as it was after,
     * and leaves the UI off.
     */
    public static FarmReport run(ExperimentConfig config, FarmOptions options) {
        String master = System.getProperty("spark.master");
        LocalSpark.PROPERTIES.forEach(System::setProperty);
        try {
            return new FarmJob(new PrintStream(new ByteArrayOutputStream(), true)).run(config, options);
        } finally {
            restore("spark.master", master);
        }
    }

    /**
     * Runs a 2-schedule farm ("low" and "high" learning rate) named "tiny" for 2 epochs, recording both, in
     * {@code dir}, with {@code extra} keys last; returns the output folder.
     */
    public static Path run(Path dir, int trialsPerSchedule, String... extra) {
        TinyFarm farm = in(dir).with("name=tiny", "epochs=2", "record-epochs=[1, 2]",
                "schedules=[{name = low, text = \"1: lr=0.1 wd=0.01\"}, {name = high, text = \"1: lr=0.4 wd=0.01\"}]",
                "trials=" + trialsPerSchedule).with(extra);
        farm.run(FarmOptions.DEFAULT);
        return farm.out();
    }

    /** Copies an output folder, for a test that changes it; the shared folder stays as the farm left it. */
    public static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /**
     * Spark in local[2] with its UI off for a whole test class ({@code @ExtendWith(TinyFarm.LocalSpark.class)}): the
     * jobs and sessions its tests start read {@code spark.master}, which the launcher sets outside tests. The
     * properties are put back as they were after the class.
     */
    public static final class LocalSpark implements BeforeAllCallback, AfterAllCallback {

        /** What a tiny farm's Spark runs with; {@link TinyFarm#run(ExperimentConfig, FarmOptions)} sets them too. */
        private static final Map<String, String> PROPERTIES = Map.of("spark.master", "local[2]",
                "spark.ui.enabled", "false");

        @Override
        public void beforeAll(ExtensionContext context) {
            Map<String, String> before = new HashMap<>();
            PROPERTIES.forEach((property, value) -> {
                before.put(property, System.getProperty(property));
                System.setProperty(property, value);
            });
            store(context).put(LocalSpark.class, new Saved(before));
        }

        @Override
        public void afterAll(ExtensionContext context) {
            store(context).remove(LocalSpark.class, Saved.class).values().forEach(TinyFarm::restore);
        }

        /** The properties' values before the class, null where unset. */
        private record Saved(Map<String, String> values) {
        }

        private static ExtensionContext.Store store(ExtensionContext context) {
            return context.getStore(ExtensionContext.Namespace.create(LocalSpark.class,
                    context.getRequiredTestClass()));
        }
    }
}
