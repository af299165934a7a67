package io.mixfarm.analysis.report;

import java.awt.Color;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Colours for schedules and for schedule pairs, fixed once per report so that a schedule (or a pair) has the same
 * colour in every chart. Schedules and pairs draw from different palettes: a pair is not any one of its schedules.
 */
final class Palette {

    /** Okabe and Ito's colour-blind-safe palette, without its yellow, which is unreadable on white. */
    private static final List<Color> SCHEDULE_COLOURS = List.of(
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000));

    /** Paul Tol's "muted" palette, distinct from the schedule colours above. */
    private static final List<Color> PAIR_COLOURS = List.of(
            new Color(0x332288), new Color(0x117733), new Color(0x882255), new Color(0x44AA99),
            new Color(0x999933), new Color(0xAA4499), new Color(0x88CCEE), new Color(0xDDCC77));

    private final Map<String, Color> schedules = new HashMap<>();
    private final Map<String, Color> pairs = new HashMap<>();

    /**
     * A palette for the given schedules and pair labels, each list in the order colours are handed out (callers pass
     * sorted names so that colours do not depend on the order rows arrived in).
     */
    Palette(List<String> scheduleNames, List<String> pairLabels) {
        assign(scheduleNames, SCHEDULE_COLOURS, schedules);
        assign(pairLabels, PAIR_COLOURS, pairs);
    }

    /** The colour of a schedule; an unknown name gets a fixed grey rather than failing the report. */
    Color schedule(String name) {
        return schedules.getOrDefault(name, Color.GRAY);
    }

    /** The colour of a pair label such as {@code Const vs LR-decay}; unknown labels get grey. */
    Color pair(String label) {
        return pairs.getOrDefault(label, Color.GRAY);
    }

    /** {@code colour} with the given opacity, for bands drawn under their line. */
    static Color translucent(Color colour, int alpha) {
        return new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), alpha);
    }

    private static void assign(List<String> names, List<Color> colours, Map<String, Color> into) {
        for (String name : names) {
            int i = into.size();
            // Past the palette, walk the hue circle by the golden angle: distinct enough, and still deterministic.
            Color colour = i < colours.size() ? colours.get(i)
                    : Color.getHSBColor((float) ((i * 0.618033988749895) % 1.0), 0.65f, 0.75f);
            into.putIfAbsent(name, colour);
        }
    }
}
