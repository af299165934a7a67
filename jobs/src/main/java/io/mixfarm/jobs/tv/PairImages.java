package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TotalVariation;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The per-image results of one comparison, compactly: what {@code tv_by_image}'s rows of one (epoch, pair) hold, as
 * arrays rather than rows.
 *
 * @param epoch   the record epoch
 * @param a       first schedule
 * @param b       second schedule
 * @param trialsA trials of {@code a}
 * @param trialsB trials of {@code b}
 * @param classes number of classes
 * @param tv      per-image TV, by image
 * @param countsA {@code a}'s class counts, {@code countsA[image * classes + c]}
 * @param countsB the same for {@code b}
 */
record PairImages(int epoch, String a, String b, int trialsA, int trialsB, int classes, double[] tv, int[] countsA,
                  int[] countsB) {

    /** Per-image TV and both schedules' class counts over all their trials. */
    static PairImages of(int epoch, String a, String b, PredictionMatrix ma, PredictionMatrix mb) {
        int[] countsA = TotalVariation.counts(ma);
        int[] countsB = TotalVariation.counts(mb);
        return new PairImages(epoch, a, b, ma.trials(), mb.trials(), ma.classes(),
                TotalVariation.perImage(countsA, ma.trials(), countsB, mb.trials(), ma.classes()), countsA, countsB);
    }

    /** The {@code tv_by_image} rows, by image, each made when it is read. */
    Stream<TvByImageRow> rows() {
        return IntStream.range(0, tv.length).mapToObj(image -> new TvByImageRow(epoch, a, b, image, tv[image],
                trialsA, trialsB, Arrays.copyOfRange(countsA, image * classes, (image + 1) * classes),
                Arrays.copyOfRange(countsB, image * classes, (image + 1) * classes)));
    }
}
