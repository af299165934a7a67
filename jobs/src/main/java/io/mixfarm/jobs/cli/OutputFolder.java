package io.mixfarm.jobs.cli;

import picocli.CommandLine.Option;

/** The {@code --out} option of the commands that read an experiment's output folder. */
final class OutputFolder {

    @Option(names = "--out", defaultValue = "runs/mnist-sample",
            description = "The experiment's output folder (default: ${DEFAULT-VALUE}).")
    String path;
}
