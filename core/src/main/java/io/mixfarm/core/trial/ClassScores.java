package io.mixfarm.core.trial;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A matrix of logits or probabilities, one example a row, copied to the heap in one piece. ND4J's
 * {@code toFloatMatrix()} copies it row by row, each row a new native view and buffer: 128 of them per training step
 * and 256 per evaluation chunk, the largest share of a trial's Java objects, most of them with a native deallocator
 * that the collector and ND4J's deallocator threads must then process.
 *
 * @param values  the rows, one after another (row-major)
 * @param columns values per row (classes)
 */
record ClassScores(float[] values, int columns) {

    /** The matrix's rows; one native copy first unless it is already dense and row-major. */
    static ClassScores of(INDArray matrix) {
        boolean dense = matrix.ordering() == 'c' && Shape.hasDefaultStridesForShape(matrix)
                && matrix.offset() == 0 && matrix.length() == matrix.data().length();
        INDArray rowMajor = dense ? matrix : matrix.dup('c');
        return new ClassScores(rowMajor.data().asFloat(), (int) matrix.size(1));
    }

    int count() {
        return values.length / columns;
    }

    float value(int row, int column) {
        return values[row * columns + column];
    }

    /** {@code -log softmax(row)[label]} for a row of logits, computed stably in double precision. */
    double crossEntropy(int row, int label) {
        int from = row * columns;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = from; c < from + columns; c++) {
            max = Math.max(max, values[c]);
        }
        double sum = 0;
        for (int c = from; c < from + columns; c++) {
            sum += Math.exp(values[c] - max);
        }
        return Math.log(sum) + max - values[from + label];
    }

    /** The column of the row's largest value; the first one on ties. */
    int argmax(int row) {
        int from = row * columns;
        int best = 0;
        for (int c = 1; c < columns; c++) {
            if (values[from + c] > values[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
