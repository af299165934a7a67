package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.mixing.MixingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Analyses a mixing-time study: T_mix per intrinsic LR on both clocks, and the scaling law. */
@Command(name = "mixing", mixinStandardHelpOptions = true,
        description = "Analyse a mixing-time study (a config with a mixing block): T_mix and the norm clock per "
                + "intrinsic LR, the relaxation rate, and the scaling law of each clock.")
final class MixingCommand implements Callable<Integer> {

    @Mixin
    private OutputFolder out;

    @Option(names = "--resamples", description = "Bootstrap resamples of the pairs per intrinsic LR "
            + "(default: ${DEFAULT-VALUE}).")
    private int resamples = MixingJob.DEFAULT_RESAMPLES;

    @Override
    public Integer call() {
        new MixingJob(new PrintStream(System.out, true)).run(out.path, resamples);
        return 0;
    }
}
