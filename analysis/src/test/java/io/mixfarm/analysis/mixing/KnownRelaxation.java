package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.SyntheticPredictions;
import io.mixfarm.analysis.tv.TotalVariation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mixing studies with known answers, for tests and {@link MixingBenchmark}.
 *
 * <p>Function space: the reference branch predicts image by image from fixed distributions {@code r}; the
 * perturbed one from {@code (1 - w_t) r + w_t q} with {@code w_t = exp(-t / tau)}, so the true mean TV is
 * {@code TV(r, q) exp(-t / tau)} and falls to {@link TvClock#FRACTION} of its peak (at t = 0) at exactly
 * {@code tau ln(1 / FRACTION)}. Pairs share a prefix ({@link SyntheticPredictions#drawPairs}, share
 * {@code shared} of coupled images) and one seed for all record points, so a trial's idiosyncrasies persist
 * over time as a network's do.
 *
 * <p>Norms: the squared-norm recursion of plain SGD on a scale-invariant loss, {@code G <- (1 - lambda_e)^2 G +
 * eta^2 sigma^2 xi / G} with {@code xi} a per-step gradient noise of mean 1 (docs/method.md, "Update rule"); the
 * reference at {@code eta}, the perturbed branch at {@code eta / 10} from the same starting norm (the reference's
 * equilibrium), so its effective LR {@code eta / G} starts at a tenth of the reference's.
 *
 * @param images  test images
 * @param classes classes
 * @param tv0     the true TV at the perturbation
 * @param shared  within-pair coupling
 */
record KnownRelaxation(int images, int classes, double tv0, double shared) {

    static final double SHARPNESS = 5;

    /** The reference's and the perturbation's per-image distributions, scaled so that TV(r, mixture at 0) = tv0. */
    double[][][] distributions(long seed) {
        double[][] r = SyntheticPredictions.dirichlet(images, classes, SHARPNESS, seed);
        double[][] other = SyntheticPredictions.dirichlet(images, classes, SHARPNESS, seed + 1);
        double full = TotalVariation.ofDistributions(r, other);
        if (tv0 > full) {
            throw new IllegalArgumentException("tv0 " + tv0 + " above the TV of the two draws, " + full);
        }
        return new double[][][] {r, SyntheticPredictions.mixture(r, other, tv0 / full)};
    }

    /** The true settling time of the function-space clock, {@code tau ln(1 / FRACTION)}. */
    static double trueTmix(double tau) {
        return tau * Math.log(1 / TvClock.FRACTION);
    }

    /** {@code {perturbed, reference}} predictions at each step, {@code pairs} pairs. */
    List<List<PredictionMatrix>> predictions(double[] steps, double tau, int pairs, long seed) {
        double[][][] d = distributions(seed);
        List<PredictionMatrix> perturbed = new ArrayList<>();
        List<PredictionMatrix> reference = new ArrayList<>();
        for (double t : steps) {
            double[][] p = SyntheticPredictions.mixture(d[0], d[1], Math.exp(-t / tau));
            PredictionMatrix[] pair = SyntheticPredictions.drawPairs(p, d[0], pairs, shared, seed + 7);
            perturbed.add(pair[0]);
            reference.add(pair[1]);
        }
        return List.of(perturbed, reference);
    }

    /**
     * Effective-LR series {@code [pair][point]} of both branches: {@code {perturbed, reference}}.
     *
     * @param steps   record steps after the perturbation (whole numbers)
     * @param lambdaE the intrinsic LR
     * @param pairs   pairs
     * @param seed    seed
     */
    static double[][][] effectiveLrs(double[] steps, double lambdaE, int pairs, long seed) {
        double[][] perturbed = new double[pairs][steps.length];
        double[][] reference = new double[pairs][steps.length];
        SplittableRandom root = new SplittableRandom(seed);
        for (int k = 0; k < pairs; k++) {
            int pair = k;
            simulatePair(steps, lambdaE, root.split(), (j, p, r) -> {
                perturbed[pair][j] = p;
                reference[pair][j] = r;
            });
        }
        return new double[][][] {perturbed, reference};
    }

    /**
     * The population curves of {@link #effectiveLrs}, as means over {@code pairs} simulated pairs (so many that
     * their sampling noise is negligible against a study's): {@code {mean perturbed effective LR, mean reference
     * effective LR, mean perturbed gamma, mean reference gamma}} at each of {@code steps}. What a study's
     * estimators estimate is a functional of these curves.
     */
    static double[][] populationCurves(double[] steps, double lambdaE, int pairs, long seed) {
        double[][] sums = new double[4][steps.length];
        SplittableRandom root = new SplittableRandom(seed);
        for (int k = 0; k < pairs; k++) {
            simulatePair(steps, lambdaE, root.split(), (j, p, r) -> {
                sums[0][j] += p;
                sums[1][j] += r;
                sums[2][j] += Relaxation.gamma(p);
                sums[3][j] += Relaxation.gamma(r);
            });
        }
        for (double[] curve : sums) {
            for (int j = 0; j < curve.length; j++) {
                curve[j] /= pairs;
            }
        }
        return sums;
    }

    /** Receives one pair's effective LRs at record point {@code point}. */
    private interface PointSink {
        void accept(int point, double perturbedLr, double referenceLr);
    }

    /** One pair's recursion on both branches from the reference's equilibrium norm, reported at each record step. */
    private static void simulatePair(double[] steps, double lambdaE, SplittableRandom rng, PointSink sink) {
        double eta = 0.1;
        double sigma2 = 1;
        double decay = (1 - lambdaE) * (1 - lambdaE);
        // The recursion's fixed point, G^2 = eta^2 sigma^2 / (1 - decay).
        double g0 = eta * Math.sqrt(sigma2 / (1 - decay));
        double gp = g0;
        double gr = g0;
        int last = (int) steps[steps.length - 1];
        int j = 0;
        for (int t = 0; t <= last; t++) {
            if (t == (int) steps[j]) {
                sink.accept(j, eta / 10 / gp, eta / gr);
                j++;
            }
            // Gradient noise of mean 1: a scaled chi-square with 4 degrees of freedom, as a minibatch's is skewed.
            double xi = chiSquare4(rng) / 4;
            double xr = chiSquare4(rng) / 4;
            gp = decay * gp + (eta / 10) * (eta / 10) * sigma2 * xi / gp;
            gr = decay * gr + eta * eta * sigma2 * xr / gr;
        }
    }

    private static double chiSquare4(SplittableRandom rng) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double z = rng.nextGaussian();
            s += z * z;
        }
        return s;
    }

    /** Record steps {@code 0, every, 2 every, ..., last}. */
    static double[] steps(int every, int last) {
        double[] s = new double[last / every + 1];
        for (int j = 0; j < s.length; j++) {
            s[j] = (double) j * every;
        }
        return s;
    }
}
