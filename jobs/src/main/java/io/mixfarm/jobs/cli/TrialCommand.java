package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** Trains one trial outside any farm and prints its metrics epoch by epoch. */
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = "Train one trial and print its per-epoch metrics.")
final class TrialCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Option(names = "--data", defaultValue = EmbeddedSample.NAME,
            description = "Data set: mnist-sample (embedded), mnist:DIR, fashion-mnist:DIR, kmnist:DIR, "
                    + "cifar10:DIR, cifar100:DIR (default: ${DEFAULT-VALUE}).")
    private String data;

    @Option(names = "--schedule", defaultValue = "Const",
            description = "Const, LR-decay, WD-decay (scaled to --epochs) or a text form such as "
                    + "'1: lr=0.1 wd=0.1; 5: lr=0.01 wd=0' (default: ${DEFAULT-VALUE}).")
    private String schedule;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--width", defaultValue = "32",
            description = "Channels of the first convolution; 32 is the paper's size (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--batch-size", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Trial seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--init-seed",
            description = "Seed of the initial weights, to share w0 across trials (default: the trial seed).")
    private Long initSeed;

    @Option(names = "--record-epochs", split = ",",
            description = "Epochs after which every test prediction is kept (default: the last epoch).")
    private List<Integer> recordEpochs;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Schedule resolved = Schedules.resolve(schedule, epochs);
        TrialSpec spec = new TrialSpec(data, ModelSpec.mnistCnn(width), resolved, epochs, batchSize,
                recordEpochs == null ? List.of(epochs) : recordEpochs, seed, initSeed == null ? seed : initSeed);
        Dataset dataset = Datasets.open(data);

        out.printf("mixfarm trial: %s (%d train / %d test), width %d, batch %d, seed %d, %d epochs%n",
                dataset.name(), dataset.train().count(), dataset.test().count(), width, batchSize, seed, epochs);
        out.printf("schedule %s: %s%n", resolved.name(), resolved.toText());
        out.printf("ND4J backend %s, %d threads, oneDNN helpers %s%n", RuntimeSetup.backend(), RuntimeSetup.threads(),
                RuntimeSetup.helpersEnabled() ? "on" : "OFF");
        MetricsTable table = new MetricsTable(out);
        table.header();
        TrialResult result = new TrialRunner().run(spec, dataset, table::row);
        table.summary(result, dataset.train().count(), dataset.test().count());
        return 0;
    }
}
