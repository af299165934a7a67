package io.mixfarm.analysis.report;

import java.nio.file.Path;
import java.util.List;

/**
 * A chart written to disk.
 *
 * @param name      file name without extension, e.g. {@code errors}; also the prefix of the SVG's element ids
 * @param png       the PNG file
 * @param svg       the SVG file
 * @param inlineSvg the SVG's root element as text, ready to paste into HTML (no XML declaration, no DOCTYPE)
 * @param legend    the names of the series in the chart's legend, in legend order
 */
record SavedChart(String name, Path png, Path svg, String inlineSvg, List<String> legend) {

    SavedChart {
        legend = List.copyOf(legend);
    }
}
