package io.mixfarm.jobs.tv;

/**
 * One row of the {@code tv_by_image} table: the TV between two schedules' empirical prediction distributions on one
 * test image at one record epoch, with both schedules' class counts (docs/method.md, "Per-image TV").
 *
 * @param epoch   the record epoch
 * @param a       first schedule
 * @param b       second schedule
 * @param image   the test image's index in the test set
 * @param tv      {@code 1/2 sum_c |p_a(c) - p_b(c)|}
 * @param trialsA trials of {@code a}
 * @param trialsB trials of {@code b}
 * @param countsA how many trials of {@code a} predicted each class, by class
 * @param countsB the same for {@code b}
 */
public record TvByImageRow(int epoch, String a, String b, int image, double tv, int trialsA, int trialsB,
                           int[] countsA, int[] countsB) {
}
