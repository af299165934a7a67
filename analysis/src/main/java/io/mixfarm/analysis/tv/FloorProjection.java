package io.mixfarm.analysis.tv;

import java.util.Arrays;

/**
 * Power before compute (docs/method.md, "Power before compute"): the noise floor one schedule's TV rows would have
 * with n trials per schedule, projected from a pilot of that schedule's trials at one record point. The floor is
 * {@link TvEstimator}'s {@code nullMean} when the two schedules agree: the expected plug-in TV between two groups of n
 * trials drawn from one distribution.
 *
 * <p>How: the pilot's per-image class frequencies stand for the schedule's distributions; two groups of n trials are
 * drawn from them ({@link SyntheticPredictions#draw}) and {@link TvEstimator} gives their null mean, the
 * <em>plug-in</em> floor at n. Frequencies from a pilot understate the spread of the true distributions (a class of
 * probability 0.02 is often unseen in 20 trials, and the floor is concave in the probabilities), so the plug-in
 * floor is low. The pilot itself measures the floor without that bias at n = half its trials: the null mean of its
 * own trials split into two halves (disjoint groups of real trials, as the TV job's null draws them). The projection
 * is the plug-in floor scaled by their ratio at that n, the <em>calibration</em>; the plug-in's shortfall changes
 * little with n, and what is left of it is measured in {@code FloorProjectionTest} and the method's section.
 *
 * <p>Deterministic: every draw comes from a generator addressed by (seed, what is drawn, n) ({@link TaskSeeds}).
 */
public final class FloorProjection {

    /** Fewest pilot trials: the calibration splits them into two halves of at least 2. */
    public static final int MIN_TRIALS = 4;

    /** The record epoch and names the estimator's draws are keyed by (one projection is one row's worth). */
    private static final int EPOCH = 0;
    private static final String PILOT = "pilot";
    private static final String SIMULATED = "simulated";

    private final long seed;
    private final TvEstimator estimator;

    /**
     * @param seed         seed of every draw
     * @param permutations relabellings behind each null mean, at least 1
     */
    public FloorProjection(long seed, int permutations) {
        if (permutations < 1) {
            throw new IllegalArgumentException("permutations must be >= 1, got " + permutations);
        }
        this.seed = seed;
        this.estimator = new TvEstimator(seed, 0, permutations);
    }

    /**
     * A projection from one pilot.
     *
     * @param pilotTrials the pilot's trials
     * @param ns          the trial counts projected at, as asked
     * @param plugIn      the plug-in floor at each n (from the pilot's frequencies, uncalibrated)
     * @param calibration the floor the pilot measured at half its trials over the plug-in floor there (1 where
     *                    both are 0: the pilot's trials agree on every image)
     */
    public record Projection(int pilotTrials, int[] ns, double[] plugIn, double calibration) {

        public Projection {
            ns = ns.clone();
            plugIn = plugIn.clone();
        }

        /** The projected floor at each n: the plug-in floor times the calibration. */
        public double[] floors() {
            return Arrays.stream(plugIn).map(v -> v * calibration).toArray();
        }

        @Override
        public int[] ns() {
            return ns.clone();
        }

        @Override
        public double[] plugIn() {
            return plugIn.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Projection p && pilotTrials == p.pilotTrials && Arrays.equals(ns, p.ns)
                    && Arrays.equals(plugIn, p.plugIn) && Double.compare(calibration, p.calibration) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(ns) + Arrays.hashCode(plugIn)) + Double.hashCode(calibration)
                    + pilotTrials;
        }

        @Override
        public String toString() {
            return "Projection[pilotTrials=" + pilotTrials + ", ns=" + Arrays.toString(ns) + ", floors="
                    + Arrays.toString(floors()) + ", calibration=" + calibration + "]";
        }
    }

    /**
     * Projects the floor of the pilot's schedule at each of {@code ns} trials per schedule.
     *
     * @param pilot one schedule's predictions at one record point, at least {@value #MIN_TRIALS} trials
     * @param ns    trial counts, each at least 1
     * @throws IllegalArgumentException if the pilot is too small or an n is below 1
     */
    public Projection project(PredictionMatrix pilot, int[] ns) {
        if (pilot.trials() < MIN_TRIALS) {
            throw new IllegalArgumentException("a pilot needs at least " + MIN_TRIALS + " trials, got "
                    + pilot.trials());
        }
        for (int n : ns) {
            if (n < 1) {
                throw new IllegalArgumentException("trial counts must be >= 1, got " + n);
            }
        }
        double[][] frequencies = frequencies(pilot);
        int half = pilot.trials() / 2;
        double measured = estimator.estimate(EPOCH, PILOT, PILOT, rows(pilot, 0, half), rows(pilot, half, 2 * half),
                Double.NaN).nullMean();
        double plugInAtHalf = plugIn(frequencies, half);
        double calibration = plugInAtHalf == 0 ? 1 : measured / plugInAtHalf;
        double[] plugIn = new double[ns.length];
        for (int i = 0; i < ns.length; i++) {
            plugIn[i] = ns[i] == half ? plugInAtHalf : plugIn(frequencies, ns[i]);
        }
        return new Projection(pilot.trials(), ns, plugIn, calibration);
    }

    /** The null mean of two groups of n trials drawn from the frequencies. */
    private double plugIn(double[][] frequencies, int n) {
        long key = TaskSeeds.streamKey(seed, TaskSeeds.SIMULATED_TRIALS, EPOCH, SIMULATED, SIMULATED, n, n);
        PredictionMatrix drawn = SyntheticPredictions.draw(frequencies, 2 * n, TaskSeeds.forTask(key, 0).nextLong());
        return estimator.estimate(EPOCH, SIMULATED, SIMULATED, rows(drawn, 0, n), rows(drawn, n, 2 * n), Double.NaN)
                .nullMean();
    }

    /** Per image, the share of the trials predicting each class: {@code [image][class]}. */
    static double[][] frequencies(PredictionMatrix m) {
        byte[] predicted = m.rawPredicted();
        double[][] out = new double[m.images()][m.classes()];
        for (int r = 0; r < m.trials(); r++) {
            for (int i = 0; i < m.images(); i++) {
                out[i][Byte.toUnsignedInt(predicted[r * m.images() + i])]++;
            }
        }
        for (double[] image : out) {
            for (int c = 0; c < image.length; c++) {
                image[c] /= m.trials();
            }
        }
        return out;
    }

    /** Rows {@code from..to-1} of a matrix. */
    private static PredictionMatrix rows(PredictionMatrix m, int from, int to) {
        int images = m.images();
        return new PredictionMatrix(to - from, images, m.classes(),
                Arrays.copyOfRange(m.rawPredicted(), from * images, to * images),
                Arrays.copyOfRange(m.rawTrialIds(), from, to));
    }
}
