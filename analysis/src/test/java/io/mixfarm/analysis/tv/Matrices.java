package io.mixfarm.analysis.tv;

/** Small prediction matrices written out by hand, for tests. */
final class Matrices {

    private Matrices() {
    }

    /** One schedule's matrix from {@code rows[trial][image]}, trial ids 0, 1, 2, ... */
    static PredictionMatrix of(int classes, int[][] rows) {
        byte[][] bytes = new byte[rows.length][];
        int[] ids = new int[rows.length];
        for (int t = 0; t < rows.length; t++) {
            ids[t] = t;
            bytes[t] = new byte[rows[t].length];
            for (int i = 0; i < rows[t].length; i++) {
                bytes[t][i] = (byte) rows[t][i];
            }
        }
        return PredictionMatrix.of(classes, ids, bytes);
    }

    /** One image, one prediction per trial: {@code column(2, 0, 0, 1, 1)} is four trials over one image. */
    static PredictionMatrix column(int classes, int... perTrial) {
        int[][] rows = new int[perTrial.length][];
        for (int t = 0; t < perTrial.length; t++) {
            rows[t] = new int[] {perTrial[t]};
        }
        return of(classes, rows);
    }

    /** The first {@code n} rows of {@code m}. */
    static PredictionMatrix firstRows(PredictionMatrix m, int n) {
        byte[] all = m.predicted();
        byte[] head = new byte[n * m.images()];
        System.arraycopy(all, 0, head, 0, head.length);
        int[] ids = new int[n];
        System.arraycopy(m.trialIds(), 0, ids, 0, n);
        return new PredictionMatrix(n, m.images(), m.classes(), head, ids);
    }
}
