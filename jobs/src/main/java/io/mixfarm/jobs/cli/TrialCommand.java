package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.BnEval;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.SnapshotRequest;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.config.TrialDefaults;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.device.Device;
import io.mixfarm.jobs.device.DeviceBinding;
import io.mixfarm.jobs.device.Nd4jDevices;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.ForkStart;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Trains one trial outside any farm and prints its metrics epoch by epoch. */
@Command(name = "trial", mixinStandardHelpOptions = true, defaultValueProvider = TrialDefaults.class,
        description = {"Train one trial and print its per-epoch metrics.",
                "With --from OUT --trial S/K: rerun trial K of schedule S of the experiment in OUT and check "
                        + "that its predictions equal the farm's, bit for bit."})
final class TrialCommand implements Callable<Integer> {

    @Spec
    private CommandSpec command;

    @Option(names = "--data",
            description = "Data set: mnist-sample (embedded), mnist:DIR, fashion-mnist:DIR, kmnist:DIR, "
                    + "cifar10:DIR, cifar100:DIR (default: ${DEFAULT-VALUE}).")
    private String data;

    @Option(names = "--schedule",
            description = "A paper name scaled to --epochs (Const, LR-decay, WD-decay; Schedule_1..Schedule_5; "
                    + "wd_X_Y_lr_Z_U) or a text form such as '1: lr=0.1 wd=0.1; 5: lr=0.01 wd=0' (keys lr, wd, "
                    + "momentum) (default: ${DEFAULT-VALUE}); with --from, the name of one of the experiment's "
                    + "schedules, and --trial is the index.")
    private String schedule;

    @Option(names = "--from", paramLabel = "OUT", description = "An experiment's output folder to rerun a trial of.")
    private String from;

    @Option(names = "--trial", paramLabel = "S/K",
            description = "With --from: the trial, as the farm names it (e.g. Const/7: trial 7, 0-based, of "
                    + "schedule Const); with --schedule S, its index K alone.")
    private String trial;

    @Option(names = "--threads", paramLabel = "N",
            description = "With --from: OpenMP threads of the rerun (default: the count the farm recorded for the "
                    + "trial, so that its predictions can be compared bit for bit; another count is compared for "
                    + "information only). The JVM is started again if its own count differs.")
    private Integer threads;

    @Option(names = "--epochs", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--architecture",
            description = "Network: mnist-cnn, preresnet32 or vgg16 (default: ${DEFAULT-VALUE}).")
    private String architecture;

    @Option(names = "--width",
            description = "Channels of the first convolution (default: the paper's, 32 for mnist-cnn, 16 for "
                    + "preresnet32, 64 for vgg16).")
    private Integer width;

    @Option(names = "--normalise",
            description = "none or per-channel (CIFAR) (default: ${DEFAULT-VALUE}).")
    private String normalise;

    @Option(names = "--augment",
            description = "none or pad-crop-flip (CIFAR) (default: ${DEFAULT-VALUE}).")
    private String augment;

    @Option(names = "--batch-size", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--bn-eval",
            description = "Statistics BN evaluates the test set with: running (its running averages, the paper's) "
                    + "or recomputed (measured through the current weights on --bn-eval-batches training batches "
                    + "before each evaluation); training is the same either way (default: ${DEFAULT-VALUE}).")
    private String bnEval;

    @Option(names = "--bn-eval-batches", paramLabel = "K",
            description = "With --bn-eval recomputed: training batches the statistics are measured on "
                    + "(default: ${DEFAULT-VALUE}).")
    private int bnEvalBatches;

    @Option(names = "--seed", description = "Trial seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--init-seed",
            description = "Seed of the initial weights, to share w0 across trials (default: the trial seed).")
    private Long initSeed;

    @Option(names = "--record-epochs", split = ",",
            description = "Epochs after which every test prediction is kept (default: the last epoch).")
    private List<Integer> recordEpochs;

    @Override
    public Integer call() {
        if (from != null) {
            return rerun();
        }
        if (threads != null) {
            throw new IllegalArgumentException("--threads goes with --from; a new trial runs with the process's "
                    + "OpenMP threads (the launcher's MIXFARM_THREADS)");
        }
        PrintWriter out = command.commandLine().getOut();
        Schedule resolved = Schedules.resolve(schedule, epochs);
        Evaluation evaluation = evaluation();
        ModelSpec model = new ModelSpec(architecture, width == null ? ModelSpec.paperWidth(architecture) : width,
                ModelSpec.DEFAULT_BN_EPS);
        Preprocessing preprocessing = new Preprocessing(Preprocessing.Normalise.parse(normalise),
                Preprocessing.Augment.parse(augment));
        TrialSpec spec = new TrialSpec(data, model, preprocessing, resolved, epochs, batchSize,
                recordEpochs == null ? List.of(epochs) : recordEpochs, seed, initSeed == null ? seed : initSeed,
                evaluation);
        Dataset dataset = Datasets.open(data);

        out.printf("mixfarm trial: %s (%d train / %d test), %s width %d, normalise %s, augment %s, batch %d, "
                        + "seed %d, %d epochs%n", dataset.name(), dataset.train().count(), dataset.test().count(),
                model.architecture(), model.width(), preprocessing.normalise().label(),
                preprocessing.augment().label(), batchSize, seed, epochs);
        out.printf("schedule %s: %s%n", resolved.name(), resolved.toText());
        out.printf("test evaluation: %s%n", evaluation.describe());
        out.printf("ND4J backend %s, %d threads, oneDNN helpers %s%n", RuntimeSetup.backend(), RuntimeSetup.threads(),
                RuntimeSetup.helpersEnabled() ? "on" : "OFF");
        MetricsTable table = new MetricsTable(out);
        table.header();
        TrialResult result = new TrialRunner().run(spec, dataset, table::row);
        table.summary(result, dataset.train().count(), dataset.test().count());
        return 0;
    }

    /** How the new trial evaluates, from {@code --bn-eval} and {@code --bn-eval-batches}. */
    private Evaluation evaluation() {
        BnEval mode = BnEval.parse(bnEval);
        if (mode == BnEval.RUNNING) {
            return Evaluation.RUNNING;
        }
        if (bnEvalBatches < 1) {
            throw new IllegalArgumentException("--bn-eval-batches must be at least 1 with --bn-eval recomputed, got "
                    + bnEvalBatches);
        }
        return Evaluation.recomputed(bnEvalBatches);
    }

    /** Reruns one trial of a farm from its recorded config and compares its predictions with the farm's. */
    private int rerun() {
        if (trial == null) {
            throw new IllegalArgumentException("--from needs --trial S/K, e.g. --trial Const/7");
        }
        for (String option : List.of("--bn-eval", "--bn-eval-batches")) {
            if (command.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " goes without --from: a rerun evaluates as the farm's "
                        + "recorded config says");
            }
        }
        // The --schedule default is for a new trial; with --from only a --schedule the user typed counts.
        TrialKey key = command.commandLine().getParseResult().hasMatchedOption("--schedule")
                ? new TrialKey(schedule, TrialKey.parseIndex(trial)) : TrialKey.parse(trial);
        PrintWriter out = command.commandLine().getOut();
        ExperimentFolder folder = ExperimentFolder.at(from, new Configuration());
        ExperimentStore store = folder.store();
        ExperimentConfig experiment = folder.recordedConfig();
        PlannedTrial planned = experiment.planned(key);
        TrialRecord recorded = store.trials().get(key);
        Device farmDevice = recorded == null ? null : Device.parse(recorded.device());
        int wanted = threads != null ? threads
                : farmDevice != null && farmDevice.isCpu() ? farmDevice.threads() : experiment.threadsPerTrial();
        if (wanted < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + wanted);
        }
        if (OpenMpRelaunch.processThreads().orElse(-1) != wanted) {
            out.flush();
            return OpenMpRelaunch.run(List.of("trial", "--from", from, "--trial", key.toString(), "--threads",
                    Integer.toString(wanted)), wanted);
        }
        boolean sameThreads = farmDevice != null && farmDevice.equals(Device.cpu(wanted));
        out.printf("rerunning trial %s of %s from %s with %d OpenMP thread%s (%s=%d), %s%n", key, experiment.name(),
                from, wanted, wanted == 1 ? "" : "s", OpenMpRelaunch.THREADS, wanted, farmDevice == null
                        ? "the config's; the farm has no row for this trial"
                        : sameThreads ? "as the farm ran it (" + farmDevice.label() + "): compared bit for bit"
                        : "but the farm ran it on " + farmDevice.label() + ": compared for information only, "
                        + "it cannot be bitwise");
        Device device = new DeviceBinding(Nd4jDevices.ND4J).bind(Map.of(), wanted); // as the farm's task does
        Dataset dataset = Datasets.open(experiment.data());
        out.printf("seed %d, init seed %d; ND4J backend %s on %s, %d threads%n", planned.spec().seed(),
                planned.spec().initSeed(), RuntimeSetup.backend(), device.label(), RuntimeSetup.threads());
        Implementation ours = Provenance.implementation(planned.spec().model());
        boolean bitwise = sameThreads && ours.matches(recorded.implementation());
        if (recorded != null) {
            out.printf("the farm ran it on %s (%s), attempt %d: %s%n", recorded.host(), recorded.device(),
                    recorded.attempt(), recorded.status());
            if (!ours.matches(recorded.implementation())) {
                out.printf("the farm's implementation was %s, this is %s: compared for information only%n",
                        Implementation.label(recorded.implementation()), ours.text());
            }
        }
        ForkStart start = ForkStart.of(experiment, store, key, ours, RuntimeSetup.openMpThreads());
        if (!start.how().isEmpty()) {
            out.printf("%s: %s%n", key, start.how());
        }
        MetricsTable table = new MetricsTable(out);
        table.header();
        TrialResult result = new TrialRunner().run(planned.spec(), dataset, start.snapshot(), table::row,
                SnapshotRequest.NONE);
        int differing = 0;
        int missing = 0;
        for (EpochPredictions mine : result.predictions()) {
            Optional<byte[]> theirs = store.predictions(key.schedule(), key.trial(), mine.point());
            String point = mine.point().isEpochEnd(result.stepsPerEpoch()) ? "epoch " + mine.epoch()
                    : "epoch " + mine.epoch() + ", step " + mine.step();
            if (theirs.isEmpty()) {
                out.printf("%s: the farm has no predictions for this trial%n", point);
                missing++;
                continue;
            }
            int diff = 0;
            for (int i = 0; i < mine.predicted().length; i++) {
                diff += mine.predicted()[i] == theirs.get()[i] ? 0 : 1;
            }
            out.printf("%s: %s%n", point, diff == 0
                    ? "predictions identical to the farm's (" + mine.predicted().length + " images)"
                    : diff + " of " + mine.predicted().length + " predictions "
                    + (bitwise ? "DIFFER from the farm's" : "differ from the farm's (not comparable bit for bit)"));
            differing += diff == 0 ? 0 : 1;
        }
        out.flush();
        // With another thread count or implementation differences are expected: only a bitwise comparison fails.
        return missing > 0 || (bitwise && differing > 0) ? 1 : 0;
    }
}
