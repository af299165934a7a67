package io.mixfarm.jobs.cli;

import io.mixfarm.jobs.report.ReportJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Draws the charts and writes report.html. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write charts (PNG, SVG) and a static report.html into OUT/report/.")
final class ReportCommand implements Callable<Integer> {

    @Mixin
    private OutputFolder out;

    @Override
    public Integer call() {
        new ReportJob(new PrintStream(System.out, true)).run(out.path);
        return 0;
    }
}
