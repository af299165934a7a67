package io.mixfarm.analysis.tv;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The predicted class of every test image by every trial of one schedule at one record epoch.
 *
 * <p>Immutable: the constructor copies both arrays and the accessors {@link #predicted()} and
 * {@link #trialIds()} return copies (a {@code 500 x 10,000} matrix is 5 MB, so read single cells with
 * {@link #classAt(int, int)} in loops). Classes are stored as bytes and read unsigned, so up to
 * {@value #MAX_CLASSES} classes fit.
 *
 * @param trials    number of trials (rows), at least 1
 * @param images    number of test images (columns), at least 1
 * @param classes   number of classes, 1 to {@value #MAX_CLASSES}; every prediction lies in {@code 0..classes-1}
 * @param predicted row-major {@code [trial][image]} predicted classes: row r, image i at {@code r * images + i}
 * @param trialIds  trial id of each row; strictly increasing, so row order is trial-id order
 */
public record PredictionMatrix(int trials, int images, int classes, byte[] predicted, int[] trialIds) {

    /** Most classes a byte holds when read unsigned. */
    public static final int MAX_CLASSES = 256;

    /** Checks shapes, ranges and the trial order, and copies both arrays. */
    public PredictionMatrix {
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        if (images < 1) {
            throw new IllegalArgumentException("images must be >= 1, got " + images);
        }
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in 1.." + MAX_CLASSES + ", got " + classes);
        }
        if (predicted == null || trialIds == null) {
            throw new IllegalArgumentException("predicted and trialIds must not be null");
        }
        long cells = (long) trials * images;
        if (predicted.length != cells) {
            throw new IllegalArgumentException("predicted has " + predicted.length + " entries, expected trials x images = "
                    + trials + " x " + images + " = " + cells);
        }
        if (trialIds.length != trials) {
            throw new IllegalArgumentException("trialIds has " + trialIds.length + " entries, expected " + trials);
        }
        predicted = predicted.clone();
        trialIds = trialIds.clone();
        for (int r = 1; r < trials; r++) {
            if (trialIds[r] <= trialIds[r - 1]) {
                throw new IllegalArgumentException("trialIds must be strictly increasing, got " + trialIds[r - 1]
                        + " then " + trialIds[r] + " at row " + r);
            }
        }
        for (int k = 0; k < predicted.length; k++) {
            int c = Byte.toUnsignedInt(predicted[k]);
            if (c >= classes) {
                throw new IllegalArgumentException("class " + c + " of trial " + trialIds[k / images] + ", image "
                        + (k % images) + " is outside 0.." + (classes - 1));
            }
        }
    }

    /**
     * A matrix from one array per trial, in any order: rows are sorted by trial id here.
     *
     * @param classes  number of classes
     * @param trialIds trial id of each row of {@code rows}; distinct
     * @param rows     {@code rows[k]} holds trial {@code trialIds[k]}'s predicted class of every image
     * @return the matrix, rows in increasing trial-id order
     */
    public static PredictionMatrix of(int classes, int[] trialIds, byte[][] rows) {
        if (trialIds == null || rows == null) {
            throw new IllegalArgumentException("trialIds and rows must not be null");
        }
        if (trialIds.length != rows.length) {
            throw new IllegalArgumentException(rows.length + " rows but " + trialIds.length + " trial ids");
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException("trials must be >= 1, got 0");
        }
        int images = rows[0].length;
        Integer[] order = IntStream.range(0, rows.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(k -> trialIds[k]));
        byte[] flat = new byte[Math.multiplyExact(rows.length, images)];
        int[] ids = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            byte[] row = rows[order[r]];
            if (row.length != images) {
                throw new IllegalArgumentException("trial " + trialIds[order[r]] + " has " + row.length
                        + " predictions, trial " + trialIds[0] + " has " + images);
            }
            System.arraycopy(row, 0, flat, r * images, images);
            ids[r] = trialIds[order[r]];
        }
        return new PredictionMatrix(rows.length, images, classes, flat, ids);
    }

    /**
     * The rows of some of this matrix's trials: how a paired comparison keeps only the trials whose partner is a
     * sample too.
     *
     * @param ids trial ids, strictly increasing, each a trial of this matrix
     * @return a matrix of those trials, in that order
     */
    public PredictionMatrix select(int[] ids) {
        byte[] rows = new byte[Math.multiplyExact(ids.length, images)];
        for (int r = 0; r < ids.length; r++) {
            int row = Arrays.binarySearch(trialIds, ids[r]);
            if (row < 0) {
                throw new IllegalArgumentException("trial " + ids[r] + " is not in " + this);
            }
            System.arraycopy(predicted, row * images, rows, r * images, images);
        }
        return new PredictionMatrix(ids.length, images, classes, rows, ids);
    }

    /** A copy of the row-major {@code [trial][image]} predictions. */
    @Override
    public byte[] predicted() {
        return predicted.clone();
    }

    /** A copy of the trial ids, one per row, increasing. */
    @Override
    public int[] trialIds() {
        return trialIds.clone();
    }

    /**
     * The class that the trial in row {@code row} predicts for image {@code image}.
     *
     * @param row   row index, {@code 0..trials-1} (not the trial id)
     * @param image image index
     * @return the class, {@code 0..classes-1}
     */
    public int classAt(int row, int image) {
        if (row < 0 || row >= trials || image < 0 || image >= images) {
            throw new IndexOutOfBoundsException("row " + row + ", image " + image + " outside " + trials + " x " + images);
        }
        return Byte.toUnsignedInt(predicted[row * images + image]);
    }

    /** The trial ids without a copy, for this package's checks; never hand them out or write to them. */
    int[] rawTrialIds() {
        return trialIds;
    }

    /** The predictions without a copy, for this package's loops; never hand it out or write to it. */
    byte[] rawPredicted() {
        return predicted;
    }

    @Override
    public boolean equals(Object o) {
        // Records compare array components by identity; two matrices are equal when their contents are.
        return o instanceof PredictionMatrix m && trials == m.trials && images == m.images && classes == m.classes
                && Arrays.equals(trialIds, m.trialIds) && Arrays.equals(predicted, m.predicted);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trials, images, classes, Arrays.hashCode(trialIds), Arrays.hashCode(predicted));
    }

    @Override
    public String toString() {
        // Never print millions of predictions into a log line.
        return "PredictionMatrix[trials=" + trials + ", images=" + images + ", classes=" + classes + ", trialIds="
                + (trials <= 8 ? Arrays.toString(trialIds) : trialIds[0] + ".." + trialIds[trials - 1]) + "]";
    }
}
