package io.mixfarm.core.trial;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ClassScores copies any 2-D layout ND4J hands out, row by row as {@code toFloatMatrix()} would, and scores rows. */
class ClassScoresTest {

    private static final float[][] MATRIX = {{1f, 2f, 3f}, {4f, 9f, 6f}, {7f, 8f, 9f}, {2f, 2f, 1f}};

    @Test
    void everyLayoutGivesTheSameScores() {
        INDArray rowMajor = Nd4j.create(MATRIX);
        INDArray columnMajor = rowMajor.dup('f');
        INDArray transposed = Nd4j.create(MATRIX).transpose().dup('c').transpose();
        INDArray lastThreeOfFive = Nd4j.vstack(Nd4j.create(new float[][] {{0f, 0f, 0f}}), rowMajor)
                .get(NDArrayIndex.interval(1, 5), NDArrayIndex.all());
        for (INDArray layout : new INDArray[] {rowMajor, columnMajor, transposed, lastThreeOfFive}) {
            ClassScores rows = ClassScores.of(layout);
            assertEquals(4, rows.count());
            assertArrayEquals(layout.dup('c').data().asFloat(), rows.values(), layout.ordering() + " " + layout);
            for (int i = 0; i < MATRIX.length; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(MATRIX[i][j], rows.value(i, j));
                }
            }
        }
    }

    @Test
    void crossEntropyIsMinusLogSoftmaxAndArgmaxTakesTheFirstOfTies() {
        ClassScores rows = ClassScores.of(Nd4j.create(MATRIX).castTo(DataType.FLOAT));
        double sum = Math.exp(4) + Math.exp(9) + Math.exp(6);
        assertEquals(-Math.log(Math.exp(6) / sum), rows.crossEntropy(1, 2), 1e-12);
        // Large logits: the stable form stays finite where exp() alone would overflow.
        ClassScores large = new ClassScores(new float[] {1000f, 0f}, 2);
        assertEquals(1000.0, large.crossEntropy(0, 1), 1e-9);
        assertEquals(2, rows.argmax(0));
        assertEquals(1, rows.argmax(1));
        assertEquals(0, rows.argmax(3), "ties go to the first");
    }
}
