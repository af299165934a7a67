package io.mixfarm.jobs.cli;

import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.TrialResult;

import java.io.PrintWriter;

/** Prints a trial's metrics as an aligned table, one row per epoch as it finishes. */
final class MetricsTable {

    private static final String ROW = "%5s %8s %8s %10s %9s %10s %9s %9s %10s %8s%n";
    private final PrintWriter out;

    MetricsTable(PrintWriter out) {
        this.out = out;
    }

    void header() {
        out.printf(ROW, "epoch", "lr", "wd", "train_loss", "train_err", "test_loss", "test_err", "|w|",
                "eff_lr", "secs");
        out.flush();
    }

    void row(EpochMetrics m) {
        out.printf(ROW, m.epoch(), fmt(m.lr()), fmt(m.wd()), String.format("%.4f", m.trainLoss()),
                String.format("%.4f", m.trainError()), String.format("%.4f", m.testLoss()),
                String.format("%.4f", m.testError()), String.format("%.3f", m.totalNorm()),
                String.format("%.3g", m.totalEffectiveLr()), String.format("%.1f", m.trainSeconds() + m.evalSeconds()));
        out.flush();
    }

    void summary(TrialResult result, int trainCount, int testCount) {
        double train = result.epochs().stream().mapToDouble(EpochMetrics::trainSeconds).sum();
        double eval = result.epochs().stream().mapToDouble(EpochMetrics::evalSeconds).sum();
        int epochs = result.epochs().size();
        if (result.diverged()) {
            out.printf("%s; the trial stopped there (a farm records it as diverged, not as a sample); %.1f s in all%n",
                    result.divergence().describe(), result.wallSeconds());
        } else {
            out.printf("final test error %.4f, train error %.4f; %.1f s in all%n", result.last().testError(),
                    result.last().trainError(), result.wallSeconds());
        }
        out.printf("train_images_per_s=%.1f predict_images_per_s=%.1f%n", trainCount * (double) epochs / train,
                testCount * (double) epochs / eval);
        out.flush();
    }

    private static String fmt(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e6 ? String.valueOf((long) value) : String.valueOf(value);
    }
}
