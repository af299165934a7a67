package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.tv.TvJob;
import io.mixfarm.jobs.tv.TvOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** Estimates function-space TV between an experiment's schedules. */
@Command(name = "tv", mixinStandardHelpOptions = true,
        description = "Estimate the total variation between schedules' predictions (also on a running farm).")
final class TvCommand implements Callable<Integer> {

    @Mixin
    private OutputFolder out;

    // The defaults are TvOptions.DEFAULT's, the one home that mixfarm run's analysis uses too.
    @Option(names = "--permutations", description = "Permutations for the noise floor (default: ${DEFAULT-VALUE}).")
    private int permutations = TvOptions.DEFAULT.permutations();

    @Option(names = "--resamples", description = "Random subsets per n (default: ${DEFAULT-VALUE}).")
    private int resamples = TvOptions.DEFAULT.resamples();

    @Option(names = "--n", split = ",", description = "Trials per schedule to estimate at (default: powers of two).")
    private List<Integer> ns = List.of();

    @Option(names = "--n-epochs", split = ",", description = "Record epochs to estimate the TV against n at "
            + "(default: the last record epoch of each phase of the schedules, and the last record epoch); the "
            + "all-trials TV, noise floor and interval come at every record epoch.")
    private List<Integer> nEpochs = List.of();

    @Override
    public Integer call() {
        new TvJob(new PrintStream(System.out, true)).run(out.path,
                new TvOptions(permutations, resamples, ns, nEpochs));
        return 0;
    }
}
