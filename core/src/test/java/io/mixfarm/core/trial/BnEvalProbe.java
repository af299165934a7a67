package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.PopulationStatistics;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.schedule.Schedule;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Development probe (issue 18): the noise floor and the train/test gap under both BN evaluation modes, from the
 * same trials. Each trial trains once (with {@code bn-eval = running}); after every epoch it is also evaluated with
 * recomputed statistics on the same weights, so the two modes' predictions differ only by the mode. Two independent
 * sets of trials of one constant schedule (different seeds) give the noise floor: their plug-in TV, and its
 * whole-trial permutation null, as docs/method.md, "Estimators" defines them (computed here, since {@code core}
 * does not see {@code analysis}).
 *
 * <p>Usage: {@code BnEvalProbe TRIALS_PER_SET EPOCHS WIDTH BN_BATCHES LAMBDA_E,...}, e.g. {@code 10 12 8 16
 * 0.04,0.01}; eta is 0.1. Prints one line per (intrinsic LR, epoch, mode).
 */
public final class BnEvalProbe {

    private static final double ETA = 0.1;
    private static final int PERMUTATIONS = 200;

    public static void main(String[] args) throws Exception {
        int trials = Integer.parseInt(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int bnBatches = Integer.parseInt(args[3]);
        Dataset data = EmbeddedSample.load();
        System.out.printf("load %s", Files.readString(Path.of("/proc/loadavg")));
        System.out.println("lambda_e epoch mode train_error test_error_mean test_error_sd tv_between_sets null_mean"
                + " null_sd p_value");
        for (String text : args[4].split(",")) {
            double intrinsic = Double.parseDouble(text);
            Schedule schedule = Schedule.parse("const", "1: lr=" + ETA + " wd=" + (intrinsic / ETA));
            // [set][trial] -> per epoch, per mode (0 running, 1 recomputed): predictions and test error
            List<List<Observed>> sets = new ArrayList<>();
            for (int set = 0; set < 2; set++) {
                List<Observed> observed = new ArrayList<>();
                for (int k = 0; k < trials; k++) {
                    long seed = 1_000_000L * (set + 1) + k;
                    observed.add(trial(data, schedule, epochs, width, bnBatches, seed));
                    System.err.printf(Locale.ROOT, "lambda_e %s set %d trial %d done%n", text, set, k);
                }
                sets.add(observed);
            }
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (int mode = 0; mode < 2; mode++) {
                    report(text, epoch, mode, sets);
                }
            }
            System.out.flush();
        }
        System.out.printf("load %s", Files.readString(Path.of("/proc/loadavg")));
    }

    /** One trial's per-epoch train error, and per epoch and mode its test predictions and test error. */
    private record Observed(double[] trainError, byte[][][] predicted, double[][] testError) {
    }

    private static Observed trial(Dataset data, Schedule schedule, int epochs, int width, int bnBatches, long seed) {
        List<Integer> every = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            every.add(e);
        }
        TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(width), Preprocessing.NONE, schedule,
                epochs, 128, every, seed, seed, Evaluation.RUNNING);
        ScaleInvariantNet net = TrialRunner.build(spec, data);
        Normalisation normalisation = spec.preprocessing().normalise().of(data.train());
        ImageBatches test = ImageBatches.evaluation(data.test(), normalisation);
        List<INDArray> batches = TrialRunner.statisticsBatches(data.train(), normalisation, spec, bnBatches);
        byte[][][] predicted = new byte[epochs][2][];
        double[][] testError = new double[epochs][2];
        double[] trainError = new double[epochs];
        // The observer runs after the epoch's own (running) evaluation and before the next epoch trains.
        TrialObserver both = metrics -> {
            int e = metrics.epoch() - 1;
            trainError[e] = metrics.trainError();
            testError[e][0] = metrics.testError();
            TrialRunner.TestEvaluation recomputed = PopulationStatistics.evaluate(net, batches,
                    () -> TrialRunner.evaluate(net, test));
            predicted[e][1] = recomputed.predicted();
            testError[e][1] = recomputed.error();
        };
        TrialResult result = new TrialRunner().train(spec, data, both, net, System.nanoTime());
        for (EpochPredictions p : result.predictions()) {
            predicted[p.epoch() - 1][0] = p.predicted();
        }
        return new Observed(trainError, predicted, testError);
    }

    private static void report(String intrinsic, int epoch, int mode, List<List<Observed>> sets) {
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        double train = 0;
        List<Double> errors = new ArrayList<>();
        for (int set = 0; set < 2; set++) {
            for (Observed o : sets.get(set)) {
                (set == 0 ? a : b).add(o.predicted()[epoch - 1][mode]);
                train += o.trainError()[epoch - 1];
                errors.add(o.testError()[epoch - 1][mode]);
            }
        }
        train /= errors.size();
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = Math.sqrt(errors.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (errors.size() - 1));
        double tv = tv(a, b);
        List<byte[]> pooled = new ArrayList<>(a);
        pooled.addAll(b);
        SplittableRandom random = new SplittableRandom(epoch * 31L + mode);
        double[] nulls = new double[PERMUTATIONS];
        int atLeast = 0;
        for (int r = 0; r < PERMUTATIONS; r++) {
            for (int i = pooled.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                byte[] t = pooled.get(i);
                pooled.set(i, pooled.get(j));
                pooled.set(j, t);
            }
            nulls[r] = tv(pooled.subList(0, a.size()), pooled.subList(a.size(), pooled.size()));
            atLeast += nulls[r] >= tv ? 1 : 0;
        }
        double nullMean = java.util.Arrays.stream(nulls).average().orElse(Double.NaN);
        double nullSd = Math.sqrt(java.util.Arrays.stream(nulls).map(x -> (x - nullMean) * (x - nullMean)).sum()
                / (PERMUTATIONS - 1));
        System.out.printf(Locale.ROOT, "%s %d %s %.4f %.4f %.4f %.4f %.4f %.4f %.3f%n", intrinsic, epoch,
                mode == 0 ? "running" : "recomputed", train, mean, sd, tv, nullMean, nullSd,
                (1.0 + atLeast) / (1 + PERMUTATIONS));
    }

    /** The mean over images of the plug-in TV between two groups' predicted-class distributions. */
    private static double tv(List<byte[]> a, List<byte[]> b) {
        int images = a.get(0).length;
        double sum = 0;
        int[] ca = new int[256];
        int[] cb = new int[256];
        for (int x = 0; x < images; x++) {
            java.util.Arrays.fill(ca, 0);
            java.util.Arrays.fill(cb, 0);
            for (byte[] p : a) {
                ca[p[x] & 0xff]++;
            }
            for (byte[] p : b) {
                cb[p[x] & 0xff]++;
            }
            double d = 0;
            for (int c = 0; c < 256; c++) {
                d += Math.abs((double) ca[c] / a.size() - (double) cb[c] / b.size());
            }
            sum += d / 2;
        }
        return sum / images;
    }
}
