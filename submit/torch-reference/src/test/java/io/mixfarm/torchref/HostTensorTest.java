package io.mixfarm.torchref;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostTensorTest {

    @Test
    void normDistanceAndDifference() {
        HostTensor a = new HostTensor(new long[] {2}, new float[] {3, 4});
        HostTensor b = new HostTensor(new long[] {2}, new float[] {3, 1});
        assertEquals(5.0, a.norm(), 1e-12);
        assertEquals(3.0 / 5.0, a.distance(b, a.norm()), 1e-12);
        assertEquals(new HostTensor(new long[] {2}, new float[] {0, 3}), a.minus(b));
    }

    @Test
    void shapesMustHoldTheValuesAndAgree() {
        assertThrows(IllegalArgumentException.class, () -> new HostTensor(new long[] {2, 2}, new float[3]));
        HostTensor a = new HostTensor(new long[] {2, 1}, new float[2]);
        HostTensor b = new HostTensor(new long[] {1, 2}, new float[2]);
        assertThrows(IllegalArgumentException.class, () -> a.minus(b));
    }

    @Test
    void readsAnyNd4jViewInRowMajorOrder() {
        // A Fortran-ordered matrix and a transposed view both come out row by row.
        HostTensor f = HostTensor.of(Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f'));
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, f.values());
        HostTensor t = HostTensor.of(Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c').transpose());
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.values());
    }
}
