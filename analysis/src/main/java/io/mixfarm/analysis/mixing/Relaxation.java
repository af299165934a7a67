package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.PairedTv;
import java.util.stream.IntStream;

/**
 * The theory overlay (docs/method.md, "Mixing time"): the measured relaxation rate of {@code gamma_t = (||w||^2 /
 * eta)^2 = 1 / effectiveLr^2} after the perturbation, against the rate {@code 4 lambda_e} per step that the
 * paper's equation (12) predicts ({@code gamma_t - gamma_inf = (gamma_0 - gamma_inf) exp(-4 lambda_e t)}).
 *
 * <p>The fit: {@code gamma_inf} is the reference branch's mean {@code gamma} over all record points (same
 * {@code lambda_e}, so by equation (12) the same stationary value, and the reference is there by construction);
 * the gap {@code g_t = mean over pairs of gamma_t(perturbed) - gamma_inf} is fitted as {@code C exp(-r t)} by
 * least squares on {@code log g_t}, over the record points from the first up to the last before the gap first
 * falls under {@value #WINDOW} of its first value. Why log-linear over a window and not Gauss-Newton on all
 * points: the gap starts about 99 times {@code gamma_inf} (the LR is cut tenfold) and the noise is roughly
 * proportional to it, so equal weights in logs are the right weights while the gap is large; near equilibrium the
 * gap is noise around 0, its log meaningless, and a linear-scale fit would be dominated by the first points
 * instead. With {@code gamma_inf} measured on the reference, the fit has two parameters and a closed form.
 */
public final class Relaxation {

    /** The fit stops where the gap first falls under this fraction of its first value (three time constants). */
    public static final double WINDOW = 0.05;

    private Relaxation() {
    }

    /** The relaxation rate per step that equation (12) predicts: {@code 4 lambda_e}. */
    public static double predicted(double lambdaE) {
        return 4 * lambdaE;
    }

    /** {@code gamma = 1 / effectiveLr^2}, since the effective LR {@code eta / ||w||^2} is {@code gamma^(-1/2)}. */
    public static double gamma(double effectiveLr) {
        return 1 / (effectiveLr * effectiveLr);
    }

    /**
     * The fitted rate {@code r} of mean curves of gamma.
     *
     * @param steps     record points, steps after the perturbation
     * @param perturbed the perturbed branch's mean gamma at each point
     * @param gammaInf  the stationary gamma
     * @return {@code r}, or NaN when fewer than 3 points lie in the window (too few to fit a slope with noise)
     */
    public static double rate(double[] steps, double[] perturbed, double gammaInf) {
        double first = perturbed[0] - gammaInf;
        if (!(first > 0)) {
            return Double.NaN;
        }
        int end = 0;
        while (end < steps.length && perturbed[end] - gammaInf >= WINDOW * first) {
            end++;
        }
        if (end < 3) {
            return Double.NaN;
        }
        double mt = 0;
        double my = 0;
        for (int j = 0; j < end; j++) {
            mt += steps[j];
            my += Math.log(perturbed[j] - gammaInf);
        }
        mt /= end;
        my /= end;
        double sty = 0;
        double stt = 0;
        for (int j = 0; j < end; j++) {
            double dt = steps[j] - mt;
            sty += dt * (Math.log(perturbed[j] - gammaInf) - my);
            stt += dt * dt;
        }
        return -sty / stt;
    }

    /**
     * The measured rate and its bootstrap over pairs.
     *
     * @param steps       record points, steps after the perturbation
     * @param perturbedLr {@code [pair][point]}: the perturbed trial's effective LR
     * @param referenceLr {@code [pair][point]}: the reference trial's
     * @param resamples   bootstrap resamples of the pairs
     * @param seed        seed of the resamples
     * @return the estimate of {@code r}, per step
     */
    public static BootstrapEstimate estimate(double[] steps, double[][] perturbedLr, double[][] referenceLr,
                                             int resamples, long seed) {
        Series.require(steps, perturbedLr, referenceLr);
        double[][] p = gammas(perturbedLr);
        double[][] q = gammas(referenceLr);
        int pairs = p.length;
        double value = rate(steps, p, q, PairedTv.identity(pairs));
        double[] replicates = IntStream.range(0, resamples)
                .mapToDouble(r -> rate(steps, p, q, PairedTv.resample(pairs, seed, r))).toArray();
        return new BootstrapEstimate(value, replicates);
    }

    private static double rate(double[] steps, double[][] perturbed, double[][] reference, int[] draw) {
        return rate(steps, Series.mean(perturbed, draw), Series.level(reference, draw));
    }

    private static double[][] gammas(double[][] lr) {
        double[][] out = new double[lr.length][];
        for (int k = 0; k < lr.length; k++) {
            out[k] = new double[lr[k].length];
            for (int j = 0; j < lr[k].length; j++) {
                if (!(lr[k][j] > 0)) {
                    throw new IllegalArgumentException("effective LRs must be positive, got " + lr[k][j] + " for pair "
                            + k);
                }
                out[k][j] = gamma(lr[k][j]);
            }
        }
        return out;
    }
}
