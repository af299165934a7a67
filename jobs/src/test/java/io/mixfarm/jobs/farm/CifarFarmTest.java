package io.mixfarm.jobs.farm;

import io.mixfarm.analysis.report.ReportFiles;
import io.mixfarm.core.data.CifarWriter;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.report.ReportJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped tiny CIFAR config as a farm in Spark local mode: two one-epoch trials (plain SGD and momentum) of a
 * width-2 PreResNet32 on synthetic images written in the real CIFAR-10 binary format, with per-channel
 * normalisation and pad-crop-flip augmentation; predictions and per-group metrics land, a trial reruns bit for bit
 * outside the farm, and the report reads the ResNet's weight groups.
 */
class CifarFarmTest {

    private static final int TRAIN = 48;
    private static final int TEST = 24;

    @TempDir
    Path tmp;

    @AfterEach
    void clearMaster() {
        System.clearProperty("spark.master");
    }

    @Test
    void aTwoTrialFarmOfATinyPreResNetWritesPredictionsAndPerGroupMetrics() throws Exception {
        Dataset data = SyntheticCifar.dataset(TRAIN, TEST, 7);
        Path folder = tmp.resolve("cifar10-synthetic");
        CifarWriter.writeCifar10(folder, data);
        Path out = tmp.resolve("out");
        ExperimentConfig config = ExperimentConfig.load(Path.of("..", "conf", "cifar10-tiny.conf"),
                List.of("data=\"cifar10:" + folder + "\"", "output=\"" + out + "\""));

        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        FarmReport report = new FarmJob(new PrintStream(new ByteArrayOutputStream(), true))
                .run(config, FarmOptions.DEFAULT);

        assertEquals(2, report.outcomes().size());
        assertTrue(report.failed().isEmpty(), report.failed().toString());
        String predictions = Duck.table(out, "predictions");
        assertEquals(List.of(List.of("small-lr-start", "1", "24"), List.of("table1-start", "1", "24")),
                Duck.query("SELECT schedule, epoch, count(*) FROM " + predictions + " GROUP BY ALL ORDER BY ALL"));
        assertEquals(0, Duck.count("SELECT count(*) FROM " + predictions + " WHERE label <> image % 10"),
                "labels are the synthetic set's (image i has class i mod 10)");

        String metrics = Duck.table(out, "metrics");
        assertEquals(2, Duck.count("SELECT count(*) FROM " + metrics));
        // The ResNet's four scale-invariant groups as columns, and the total norm is their root sum of squares.
        assertEquals(0, Duck.count("SELECT count(*) FROM " + metrics + " WHERE abs(norm - sqrt(norm_stream^2"
                + " + norm_inner1^2 + norm_inner2^2 + norm_inner3^2)) > 1e-9 * norm"
                + " OR abs(effective_lr_inner2 - lr / norm_inner2^2) > 1e-9 * effective_lr_inner2"));
        assertEquals(List.of(List.of("small-lr-start", "0.001"), List.of("table1-start", "0.4")),
                Duck.query("SELECT schedule, lr FROM " + metrics + " ORDER BY schedule"));
        assertEquals(2, Duck.count("SELECT count(*) FROM " + Duck.table(out, "trials")
                + " WHERE status = 'succeeded' AND spec LIKE '%\"augment\":\"pad-crop-flip\"%'"));

        // The augmentation is drawn from the trial seed: the trial reruns outside the farm bit for bit.
        StringWriter printed = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(printed));
        int status = cli.execute("trial", "--from", out.toString(), "--schedule", "small-lr-start", "--trial", "0");
        assertEquals(0, status, printed.toString());
        assertTrue(printed.toString().contains("epoch 1: predictions identical to the farm's (24 images)"),
                printed.toString());

        ReportFiles files = new ReportJob(new PrintStream(new ByteArrayOutputStream(), true)).run(out.toString());
        String html = Files.readString(files.html());
        assertTrue(html.contains("preresnet32, width 2"), "the report names the network");
        assertTrue(html.contains("normalise per-channel, augment pad-crop-flip"), "and the preprocessing");
    }
}
