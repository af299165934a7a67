package io.mixfarm.analysis.report;

import io.mixfarm.analysis.tv.TvSummaryRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded, roughly MNIST-shaped data for report tests: the numbers are made up, their shapes are not. */
final class Synthetic {

    /** The experiment's schedules. */
    static final List<String> SCHEDULES = List.of("Const", "LR-decay", "WD-decay");

    private Synthetic() {
    }

    /** Metric rows of {@code trials} trials per schedule over epochs 1 to {@code epochs}. */
    static List<MetricRow> metrics(List<String> schedules, int trials, int epochs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<MetricRow> rows = new ArrayList<>();
        for (int s = 0; s < schedules.size(); s++) {
            for (int trial = 0; trial < trials; trial++) {
                double trialShift = 0.0015 * random.nextGaussian();
                double norm = 8.0;
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    // Schedules differ until epoch 80 and share one equilibrium afterwards, like figure 3a.
                    double apart = epoch <= 80 ? 0.004 * s * (80 - epoch) / 80.0 : 0.0;
                    double fineTune = epoch > 120 ? 0.004 * (1 - Math.exp(-(epoch - 120) / 15.0)) : 0.0;
                    double test = 0.012 + apart - fineTune + 0.02 * Math.exp(-epoch / 4.0) + trialShift
                            + 0.001 * random.nextGaussian();
                    double train = test - 0.003 - 0.004 * fineTune / 0.004 * 0.9;
                    double lr = epoch > 120 ? 0.01 : s == 1 ? 0.4 / Math.pow(2, Math.min(2, (epoch - 1) / 40)) : 0.1;
                    double target = epoch > 120 ? 4.0 : 3.0 + s * Math.max(0, 80 - epoch) / 80.0;
                    norm += (target - norm) * 0.08 + 0.05 * random.nextGaussian();
                    rows.add(new MetricRow(schedules.get(s), trial, epoch, lr, Math.max(0.0, train),
                            Math.max(0.0, test), norm, lr / (norm * norm), Map.of("conv1", norm / 2)));
                }
            }
        }
        return rows;
    }

    /** TV rows for every pair of {@code schedules} at the given epochs, nested n = 1, 2, 4, ... and all trials. */
    static List<TvSummaryRow> tv(List<String> schedules, int trials, List<Integer> epochs) {
        List<TvSummaryRow> rows = new ArrayList<>();
        for (int epoch : epochs) {
            for (int i = 0; i < schedules.size(); i++) {
                for (int j = i + 1; j < schedules.size(); j++) {
                    // Pairs with the first schedule stay apart before epoch 120; all mix later.
                    double truth = epoch < 120 ? 0.004 * (j - i) * (120 - epoch) / 120.0 + (i == 0 ? 0.002 : 0) : 0;
                    List<Integer> ns = new ArrayList<>();
                    for (int n = 1; n < trials; n *= 2) {
                        ns.add(n);
                    }
                    ns.add(trials);
                    for (int n : ns) {
                        double floor = 0.012 / Math.sqrt(n);
                        double tv = truth + floor * 1.02;
                        rows.add(new TvSummaryRow(epoch, schedules.get(i), schedules.get(j), n, n, n, tv,
                                tv * 1.01, floor * 0.1, 0.024, floor, floor * 0.08,
                                truth > 0.001 ? 0.001 : 0.4, tv - floor, tv - 0.15 * floor, tv + 0.2 * floor,
                                n == trials, Double.NaN));
                    }
                }
            }
        }
        return TvSummaryRow.withHolm(rows);
    }
}
