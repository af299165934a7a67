package io.mixfarm.analysis.tv;

import java.util.SplittableRandom;

/**
 * Prediction matrices drawn from known per-image class distributions, for tests and benchmarks (the interval
 * coverage benchmark in this package's tests, the jobs module's TV job benchmark): with the distributions known,
 * the population TV is known ({@link TotalVariation#ofDistributions}) and estimators can be checked against it.
 *
 * <p>Trials are independent and, within a trial, images are independent given their distributions. Trial t
 * draws from the t-th {@code split()} of a generator seeded with the seed, so the first rows do not depend on
 * how many trials are drawn.
 */
public final class SyntheticPredictions {

    /** Slack on a row's sum: distributions built in floating point rarely sum to exactly 1. */
    private static final double SUM_TOLERANCE = 1e-9;

    private SyntheticPredictions() {
    }

    /**
     * Draws {@code trials} trials, with trial ids {@code 0..trials-1}.
     *
     * @param probs  {@code probs[image][class]}, each row a distribution over the same number of classes
     * @param trials trials to draw, at least 1
     * @param seed   seed of the draw
     * @return the predictions
     */
    public static PredictionMatrix draw(double[][] probs, int trials, long seed) {
        int images = probs.length;
        int classes = checkDistributions(probs);
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        double[][] cumulative = new double[images][];
        int[] last = new int[images];
        for (int i = 0; i < images; i++) {
            cumulative[i] = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += probs[i][c];
                cumulative[i][c] = sum;
                if (probs[i][c] > 0) {
                    last[i] = c;
                }
            }
        }
        SplittableRandom root = new SplittableRandom(seed);
        byte[] predicted = new byte[Math.multiplyExact(trials, images)];
        int[] ids = new int[trials];
        for (int t = 0; t < trials; t++) {
            SplittableRandom rng = root.split();
            ids[t] = t;
            for (int i = 0; i < images; i++) {
                double u = rng.nextDouble() * cumulative[i][classes - 1];
                // Rounding can leave u at or above the last partial sum: the last possible class takes it.
                int c = 0;
                while (c < last[i] && u >= cumulative[i][c]) {
                    c++;
                }
                predicted[t * images + i] = (byte) c;
            }
        }
        return new PredictionMatrix(trials, images, classes, predicted, ids);
    }

    /**
     * Draws {@code pairs} pairs of trials, trial ids {@code 0..pairs-1} on both sides: side a from {@code p}, side b
     * from {@code q}, image by image, with a share {@code shared} of the images of each pair drawn from one common
     * uniform variate through both sides' inverse distribution functions (where {@code p = q} both trials then
     * predict the same class), the others independently. Each side's marginal is exact, so the population TV is
     * {@code TV(p, q)} whatever {@code shared}; {@code shared} is the within-pair dependence a shared prefix
     * leaves. The same seed draws the same variates at any {@code p} and {@code q}, so matrices drawn with one seed
     * from a sequence of distributions behave like the same trials recorded at several points.
     *
     * @param p      side a's {@code p[image][class]}
     * @param q      side b's, the same shape
     * @param pairs  pairs to draw, at least 1
     * @param shared share of coupled images, in [0, 1]
     * @param seed   seed of the draw
     * @return {@code {a, b}}
     */
    public static PredictionMatrix[] drawPairs(double[][] p, double[][] q, int pairs, double shared, long seed) {
        int classes = checkDistributions(p);
        if (checkDistributions(q) != classes || q.length != p.length) {
            throw new IllegalArgumentException("p and q must have the same images and classes");
        }
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs must be >= 1, got " + pairs);
        }
        if (!(shared >= 0 && shared <= 1)) {
            throw new IllegalArgumentException("shared must be in [0, 1], got " + shared);
        }
        int images = p.length;
        SplittableRandom root = new SplittableRandom(seed);
        byte[] a = new byte[Math.multiplyExact(pairs, images)];
        byte[] b = new byte[a.length];
        int[] ids = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            SplittableRandom rng = root.split();
            ids[k] = k;
            for (int i = 0; i < images; i++) {
                double u = rng.nextDouble();
                double v = rng.nextDouble();
                double w = rng.nextDouble();
                a[k * images + i] = (byte) inverse(p[i], u);
                b[k * images + i] = (byte) inverse(q[i], w < shared ? u : v);
            }
        }
        return new PredictionMatrix[] {new PredictionMatrix(pairs, images, classes, a, ids),
                new PredictionMatrix(pairs, images, classes, b, ids)};
    }

    /** The class at which the distribution function of {@code probs} first exceeds {@code u}. */
    private static int inverse(double[] probs, double u) {
        double sum = 0;
        int last = 0;
        for (int c = 0; c < probs.length; c++) {
            sum += probs[c];
            if (probs[c] > 0) {
                last = c;
                if (u < sum) {
                    return c;
                }
            }
        }
        // Rounding can leave u at or above the last partial sum: the last possible class takes it.
        return last;
    }

    /**
     * Random per-image distributions like a trained network's: each image's distribution is drawn from the
     * symmetric Dirichlet with concentration {@code 1 / sharpness}. Sharpness 1 is uniform over the simplex;
     * at sharpness 20 with 10 classes most images put almost all mass on one class.
     *
     * @param images    number of images
     * @param classes   number of classes, 1 to {@value PredictionMatrix#MAX_CLASSES}
     * @param sharpness {@code 1 / concentration}, positive and finite
     * @param seed      seed of the draw
     * @return {@code probs[image][class]}
     */
    public static double[][] dirichlet(int images, int classes, double sharpness, long seed) {
        if (images < 1 || classes < 1 || classes > PredictionMatrix.MAX_CLASSES) {
            throw new IllegalArgumentException("need images >= 1 and classes in 1.." + PredictionMatrix.MAX_CLASSES
                    + ", got " + images + " and " + classes);
        }
        if (!(sharpness > 0) || Double.isInfinite(sharpness)) {
            throw new IllegalArgumentException("sharpness must be positive and finite, got " + sharpness);
        }
        double concentration = 1 / sharpness;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] probs = new double[images][classes];
        double[] logs = new double[classes];
        for (int i = 0; i < images; i++) {
            // Normalise gamma variates in log space: at small concentrations they underflow to 0 otherwise.
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                logs[c] = logGamma(rng, concentration);
                max = Math.max(max, logs[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                probs[i][c] = Math.exp(logs[c] - max);
                sum += probs[i][c];
            }
            for (int c = 0; c < classes; c++) {
                probs[i][c] /= sum;
            }
        }
        return probs;
    }

    /**
     * The mixture {@code (1 - weight) p + weight q}, image by image: a second schedule at a known TV from the
     * first, since {@code TV(p, mixture) = weight TV(p, q)}.
     *
     * @param p      {@code p[image][class]}
     * @param q      the same shape
     * @param weight weight of {@code q}, in {@code [0, 1]}
     * @return the mixture
     */
    public static double[][] mixture(double[][] p, double[][] q, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be in [0, 1], got " + weight);
        }
        if (p.length != q.length) {
            throw new IllegalArgumentException("p and q must have as many images, got " + p.length + " and " + q.length);
        }
        double[][] out = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            if (p[i].length != q[i].length) {
                throw new IllegalArgumentException("image " + i + " has " + p[i].length + " and " + q[i].length
                        + " classes");
            }
            out[i] = new double[p[i].length];
            for (int c = 0; c < p[i].length; c++) {
                out[i][c] = (1 - weight) * p[i][c] + weight * q[i][c];
            }
        }
        return out;
    }

    /**
     * The log of a Gamma(shape, 1) variate: Marsaglia and Tsang's method, with the {@code U^(1/shape)} boost
     * for shapes below 1, kept in logs.
     */
    private static double logGamma(SplittableRandom rng, double shape) {
        if (shape < 1) {
            return logGamma(rng, shape + 1) + Math.log(1 - rng.nextDouble()) / shape;
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1 - rng.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return Math.log(d * v);
            }
        }
    }

    private static int checkDistributions(double[][] probs) {
        if (probs.length == 0) {
            throw new IllegalArgumentException("need at least one image");
        }
        int classes = probs[0].length;
        if (classes < 1 || classes > PredictionMatrix.MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + PredictionMatrix.MAX_CLASSES + ", got "
                    + classes);
        }
        for (int i = 0; i < probs.length; i++) {
            if (probs[i].length != classes) {
                throw new IllegalArgumentException("image " + i + " has " + probs[i].length + " classes, image 0 has "
                        + classes);
            }
            double sum = 0;
            for (double p : probs[i]) {
                if (!(p >= 0) || Double.isInfinite(p)) {
                    throw new IllegalArgumentException("image " + i + " has probability " + p);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("image " + i + "'s probabilities sum to " + sum + ", not 1");
            }
        }
        return classes;
    }
}
