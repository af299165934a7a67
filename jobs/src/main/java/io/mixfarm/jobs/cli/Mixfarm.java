package io.mixfarm.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mixfarm} command: one subcommand per job. */
@Command(name = "mixfarm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Monte-Carlo training farms that measure how networks mix in function space.",
        subcommands = {RunCommand.class, TvCommand.class, ReportCommand.class, SqlCommand.class, TrialCommand.class,
                DataCommand.class, GpuCheckCommand.class, BenchCommand.class, GcCommand.class})
public final class Mixfarm {

    private Mixfarm() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Mixfarm());
        // Bad input gets one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("mixfarm: " + e.getMessage());
            return 2;
        });
        return cli;
    }
}
