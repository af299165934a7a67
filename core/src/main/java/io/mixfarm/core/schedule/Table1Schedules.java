package io.mixfarm.core.schedule;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The five LR/WD schedules of the paper's table 1 (appendix F.1; figures 1, 12 and 13), stretched to any number of
 * epochs. Plain SGD (the table says momentum is off), batch 128, initial eta 0.4 and lambda 5e-4.
 *
 * <p>The table, in the paper's epochs counted from 0 ("at epoch 100" is after 100 epochs, so our 1-based epoch
 * 101 is the first with the new values; epoch 0 is the start):
 * <pre>
 * epoch       0      100      200      300      400      500      1000
 * Schedule_1  -      LR/4     LRx4     LR/4     LRx2     LRx2     LR/10, WD = 0
 * Schedule_2  -      -        -        -        -        -        LR/10, WD = 0
 * Schedule_3  -      LRx4     LR/2     LR/2     LR/4     LRx4     LR/10, WD = 0
 * Schedule_4  -      LR,WDx4  LR,WD/2  LR,WD/2  LR,WD/4  LR,WDx4  LR/10, WD = 0
 * Schedule_5  LRx32  LR/2     LR/2     LR/2     LR/2     LR/2     LR/10, WD = 0
 * </pre>
 * "LR,WDx4" multiplies both LR and WD by 4 (the table writes an LR-only change as "LRx4"). Every schedule's
 * multipliers up to epoch 500 multiply to 1, so from epoch 501 to 1000 all five train at eta 0.4, lambda 5e-4, the
 * common equilibrium figure 1 is about; from epoch 1001 they fine-tune at eta 0.04 with no weight decay.
 *
 * <p>Run length (ours): the paper gives the last change, at epoch 1000, not the end of training; we end
 * {@value #PAPER_EPOCHS} epochs in, 200 epochs of fine-tuning. Shorter or longer runs scale every boundary by
 * {@code E / 1200} as {@link EpochScaling} describes; at least 7 epochs, one per phase.
 */
public final class Table1Schedules {

    /** The run length at which the boundaries are exactly the paper's (101, 201, 301, 401, 501, 1001). */
    public static final int PAPER_EPOCHS = 1200;
    /** Learning rate every schedule starts from (Schedule_5 multiplies it by 32 at once). */
    public static final double INITIAL_LR = 0.4;
    /** Weight decay every schedule starts with. */
    public static final double INITIAL_WD = 5e-4;

    /** The paper's change epochs, counted from 0; the last sets LR/10 and WD 0. */
    private static final List<Integer> CHANGES = List.of(100, 200, 300, 400, 500, 1000);

    private static final BigDecimal LR0 = new BigDecimal("0.4");
    private static final BigDecimal WD0 = new BigDecimal("0.0005");

    /**
     * Per schedule, the multipliers of (LR, WD) at epoch 0 and at each of the first five change epochs, written as
     * in the table; decimals keep every product exact until the one conversion to double.
     */
    private static final Map<String, List<String[]>> TABLE = Map.of(
            "Schedule_1", factors("1,1", "/4,1", "4,1", "/4,1", "2,1", "2,1"),
            "Schedule_2", factors("1,1", "1,1", "1,1", "1,1", "1,1", "1,1"),
            "Schedule_3", factors("1,1", "4,1", "/2,1", "/2,1", "/4,1", "4,1"),
            "Schedule_4", factors("1,1", "4,4", "/2,/2", "/2,/2", "/4,/4", "4,4"),
            "Schedule_5", factors("32,1", "/2,1", "/2,1", "/2,1", "/2,1", "/2,1"));

    private static final List<String> NAMES =
            List.of("Schedule_1", "Schedule_2", "Schedule_3", "Schedule_4", "Schedule_5");

    private Table1Schedules() {
    }

    /** The paper's names, {@code Schedule_1} to {@code Schedule_5}. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A table 1 schedule for a run of {@code epochs} epochs.
     *
     * @param canonical one of {@link #names()}, exactly
     * @throws IllegalArgumentException if the run is too short for its seven phases
     */
    static Schedule named(String canonical, int epochs) {
        List<String[]> factors = TABLE.get(canonical);
        if (factors == null) {
            throw new IllegalArgumentException("not a table 1 schedule: \"" + canonical + "\"");
        }
        List<Integer> nominalStarts = CHANGES.stream().map(e -> e + 1).toList();
        List<Integer> starts = EpochScaling.scale(canonical, nominalStarts, PAPER_EPOCHS, epochs);

        List<Phase> phases = new ArrayList<>(starts.size() + 1);
        BigDecimal lr = LR0;
        BigDecimal wd = WD0;
        for (int i = 0; i < factors.size(); i++) {
            lr = apply(lr, factors.get(i)[0]);
            wd = apply(wd, factors.get(i)[1]);
            phases.add(new Phase(i == 0 ? 1 : starts.get(i - 1), lr.doubleValue(), wd.doubleValue()));
        }
        // Epoch 1000: LR/10, no weight decay (the fine-tuning phase).
        phases.add(new Phase(starts.get(starts.size() - 1), lr.divide(BigDecimal.TEN).doubleValue(), 0.0));
        return new Schedule(canonical, phases);
    }

    private static List<String[]> factors(String... pairs) {
        List<String[]> list = new ArrayList<>(pairs.length);
        for (String pair : pairs) {
            list.add(pair.split(","));
        }
        return List.copyOf(list);
    }

    /** {@code value * k} for a factor "k", {@code value / k} for "/k"; exact, since k is 2, 4, 32 or 10. */
    private static BigDecimal apply(BigDecimal value, String factor) {
        return factor.startsWith("/")
                ? value.divide(new BigDecimal(factor.substring(1)), MathContext.DECIMAL128)
                : value.multiply(new BigDecimal(factor));
    }
}
