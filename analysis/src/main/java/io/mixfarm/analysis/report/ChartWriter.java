package io.mixfarm.analysis.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYChart;

/** Writes a chart as {@code NAME.png} and {@code NAME.svg} and keeps the SVG text for inlining in the report. */
final class ChartWriter {

    /** A number with more than two decimals; the sign stays outside the match, so rounding is symmetric. */
    private static final Pattern LONG_DECIMAL = Pattern.compile("\\d+\\.\\d{3,}");

    private ChartWriter() {
    }

    /** Writes {@code chart} into {@code dir} as {@code name.png} and {@code name.svg}, replacing older files. */
    static SavedChart write(XYChart chart, Path dir, String name) throws IOException {
        Path png = dir.resolve(name + ".png");
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
        }
        List<String> legend = Charts.legend(chart);
        String svg = svg(chart, name, legend);
        Path svgFile = dir.resolve(name + ".svg");
        Files.writeString(svgFile, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n", UTF_8);
        return new SavedChart(name, png, svgFile, svg, legend);
    }

    /**
     * The chart as an SVG root element. XChart draws all text as glyph outlines, so the SVG would not name its series;
     * a {@code <title>} and a {@code <desc>} listing the legend make it searchable and accessible. The DOCTYPE goes
     * (it points at a DTD on the network, which an offline parser would try to fetch), and element ids get
     * {@code idPrefix} so that several charts inlined in one HTML page cannot resolve each other's clip paths.
     */
    static String svg(XYChart chart, String idPrefix, List<String> legend) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, bytes, VectorGraphicsFormat.SVG);
        String raw = bytes.toString(UTF_8);
        String root = shortenDecimals(raw.substring(raw.indexOf("<svg")))
                .replace(" id=\"", " id=\"" + idPrefix + "-")
                .replace("url(#", "url(#" + idPrefix + "-")
                .replace("href=\"#", "href=\"#" + idPrefix + "-")
                .strip();
        int afterOpenTag = root.indexOf('>') + 1;
        String meta = "\n  <title>" + Html.escape(chart.getTitle()) + "</title>\n  <desc>Series: "
                + Html.escape(String.join("; ", legend)) + "</desc>";
        return root.substring(0, afterOpenTag) + meta + root.substring(afterOpenTag);
    }

    /**
     * Rounds every decimal in the SVG to two places: a hundredth of a pixel is invisible, and VectorGraphics2D's full
     * double precision makes up about half of the file (text is drawn as glyph outlines, each full of coordinates).
     */
    static String shortenDecimals(String svg) {
        Matcher m = LONG_DECIMAL.matcher(svg);
        StringBuilder out = new StringBuilder(svg.length() / 2);
        while (m.find()) {
            String rounded = BigDecimal.valueOf(Double.parseDouble(m.group())).setScale(2, RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString();
            m.appendReplacement(out, rounded);
        }
        return m.appendTail(out).toString();
    }
}
