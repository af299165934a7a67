package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.CifarWriter;
import io.mixfarm.core.data.DataFetcher;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.SyntheticCifar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** Data set chores: download the public ones, check any of them, and write synthetic stand-ins. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Fetch or inspect data sets.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Info.class, DataCommand.Synth.class})
final class DataCommand {

    private DataCommand() {
    }

    /** Downloads MNIST or CIFAR-10 from its public mirror and checks SHA-256. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download mnist or cifar10 into a folder, checking SHA-256 of every file.")
    static final class Fetch implements Callable<Integer> {

        @Spec
        private CommandSpec command;

        @Parameters(index = "0", description = "mnist or cifar10")
        private String name;

        @Option(names = "--dir", defaultValue = "data", description = "Target parent folder (default: ${DEFAULT-VALUE}).")
        private Path dir;

        @Override
        public Integer call() {
            DataFetcher fetcher = new DataFetcher();
            Path folder = switch (name) {
                case "mnist" -> fetcher.fetchMnist(dir.resolve("mnist"));
                case "cifar10" -> fetcher.fetchCifar10(dir.resolve("cifar10"));
                default -> throw new IllegalArgumentException("unknown data set \"" + name
                        + "\" to fetch; expected mnist or cifar10");
            };
            command.commandLine().getOut().printf("fetched %s into %s%n", name, folder);
            return 0;
        }
    }

    /** Writes a synthetic CIFAR-10 stand-in in the real binary format, for smoke runs without the download. */
    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = {"Write a synthetic stand-in for cifar10 (classes differ in colour) in the CIFAR-10 binary "
                    + "format, into DIR/cifar10-synthetic; read it as cifar10:DIR/cifar10-synthetic."})
    static final class Synth implements Callable<Integer> {

        @Spec
        private CommandSpec command;

        @Parameters(index = "0", description = "cifar10 (the only kind so far)")
        private String name;

        @Option(names = "--dir", defaultValue = "data", description = "Target parent folder (default: ${DEFAULT-VALUE}).")
        private Path dir;

        @Option(names = "--train", defaultValue = "500", description = "Training images (default: ${DEFAULT-VALUE}).")
        private int train;

        @Option(names = "--test", defaultValue = "100", description = "Test images (default: ${DEFAULT-VALUE}).")
        private int test;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the pixels (default: ${DEFAULT-VALUE}).")
        private long seed;

        @Override
        public Integer call() {
            if (!"cifar10".equals(name)) {
                throw new IllegalArgumentException("unknown data set \"" + name + "\" to synthesise; expected cifar10");
            }
            if (train < 5 || test < 1) {
                throw new IllegalArgumentException("--train must be >= 5 (one per batch file) and --test >= 1, got "
                        + train + " and " + test);
            }
            Path folder = dir.resolve("cifar10-synthetic");
            CifarWriter.writeCifar10(folder, SyntheticCifar.dataset(train, test, seed));
            command.commandLine().getOut().printf("wrote %d train / %d test synthetic CIFAR-10 images into %s "
                    + "(data spec cifar10:%s)%n", train, test, folder, folder);
            return 0;
        }
    }

    /** Reads a data set and prints its shape and class balance. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Read a data set and describe it.")
    static final class Info implements Callable<Integer> {

        @Spec
        private CommandSpec command;

        @Parameters(index = "0", description = "A data set spec, e.g. mnist-sample or mnist:/data/mnist")
        private String spec;

        @Override
        public Integer call() {
            Dataset data = Datasets.open(spec);
            var out = command.commandLine().getOut();
            out.printf("%s: %d train / %d test images of %dx%dx%d, %d classes%n", data.name(),
                    data.train().count(), data.test().count(), data.train().channels(), data.train().height(),
                    data.train().width(), data.train().classes());
            out.printf("train per class %s%ntest per class  %s%n", Arrays.toString(data.train().classCounts()),
                    Arrays.toString(data.test().classCounts()));
            return 0;
        }
    }
}
