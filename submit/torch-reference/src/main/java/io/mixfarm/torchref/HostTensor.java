package io.mixfarm.torchref;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * A float tensor in Java memory, row-major, in the layout PyTorch uses: the way weights travel between DL4J and
 * libtorch, and the way they are compared.
 *
 * @param shape  dimensions, outermost first
 * @param values {@code product(shape)} values, row-major
 */
public record HostTensor(long[] shape, float[] values) {

    public HostTensor {
        shape = shape.clone();
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
                    + values.length + " values");
        }
    }

    /** An ND4J array's values in row-major order, whatever its own order and strides. */
    public static HostTensor of(INDArray array) {
        return new HostTensor(array.shape(), rowMajor(array));
    }

    /** An ND4J array's values, row-major, as a fresh Java array. */
    public static float[] rowMajor(INDArray array) {
        // dup('c') packs a view into a fresh buffer holding exactly its elements in row-major order.
        return array.dup('c').data().asFloat();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Euclidean norm. */
    public double norm() {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** {@code ||this - other|| / ||reference||}: how far two engines' tensors are apart, relative to a scale. */
    public double distance(HostTensor other, double reference) {
        requireSameShape(other);
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double d = (double) values[i] - other.values[i];
            sum += d * d;
        }
        return Math.sqrt(sum) / reference;
    }

    /** {@code this - other}, element by element. */
    public HostTensor minus(HostTensor other) {
        requireSameShape(other);
        float[] difference = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            difference[i] = values[i] - other.values[i];
        }
        return new HostTensor(shape, difference);
    }

    private void requireSameShape(HostTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " and "
                    + Arrays.toString(other.shape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
