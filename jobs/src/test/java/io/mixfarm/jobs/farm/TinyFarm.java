package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.IdxWriter;
import io.mixfarm.jobs.config.ExperimentConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real, small farm output for tests of what reads farm outputs (TV job, SQL, report). */
public final class TinyFarm {

    private TinyFarm() {
    }

    /**
     * Runs a 2-schedule farm ("low" and "high" learning rate) of a width-2 CNN for 2 epochs on a 300/100 slice of the embedded sample into
     * {@code dir/out}, in local[2]; returns the output folder.
     */
    public static Path run(Path dir, int trialsPerSchedule, String... extra) {
        Dataset sample = EmbeddedSample.load();
        Path data = dir.resolve("data");
        IdxWriter.writeFolder(data, new Dataset("slice", sample.train().slice(0, 300), sample.test().slice(0, 100)));
        Path out = dir.resolve("out");
        List<String> overrides = new ArrayList<>(List.of("name=tiny", "data=\"mnist:" + data + "\"", "model.width=2",
                "epochs=2", "record-epochs=[1, 2]",
                "schedules=[{name = low, text = \"1: lr=0.1 wd=0.01\"}, {name = high, text = \"1: lr=0.4 wd=0.01\"}]", "trials=" + trialsPerSchedule,
                "batch-size=64", "output=\"" + out + "\""));
        overrides.addAll(List.of(extra));
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        try {
            new FarmJob(new PrintStream(new ByteArrayOutputStream(), true))
                    .run(ExperimentConfig.load(null, overrides), FarmOptions.DEFAULT);
        } finally {
            System.clearProperty("spark.master");
        }
        return out;
    }
}
