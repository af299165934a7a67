package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.store.CheckpointGc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Deletes the checkpoints no planned, unfinished fork needs. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Delete the checkpoints in OUT/checkpoints/ that no planned, unfinished fork needs, printing "
                + "each.")
final class GcCommand implements Callable<Integer> {

    @Mixin
    private OutputFolder out;

    @Spec
    private CommandSpec command;

    @Override
    public Integer call() {
        new CheckpointGc(command.commandLine().getOut()).run(out.path);
        return 0;
    }
}
