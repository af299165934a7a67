package io.mixfarm.core.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Repeated measurements of one quantity (e.g. images per second of each timed repeat). The median is the headline
 * figure: on a machine shared with other work a slow repeat is noise, not the engine.
 *
 * @param values one value per repeat, in the order measured
 */
public record Samples(List<Double> values) {

    public Samples {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
    }

    public double median() {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public double mean() {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    public double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** These samples followed by {@code other}'s. */
    public Samples concat(Samples other) {
        List<Double> both = new ArrayList<>(values);
        both.addAll(other.values);
        return new Samples(both);
    }
}
