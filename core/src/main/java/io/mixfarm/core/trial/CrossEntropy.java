package io.mixfarm.core.trial;

/** Softmax cross-entropy and arg-max on one row of logits or probabilities, in double precision. */
final class CrossEntropy {

    private CrossEntropy() {
    }

    /** {@code -log softmax(logits)[label]}, computed stably. */
    static double loss(float[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (float z : logits) {
            sum += Math.exp(z - max);
        }
        return Math.log(sum) + max - logits[label];
    }

    /** The index of the largest value; the first one on ties. */
    static int argmax(float[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }
}
