package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mixfarm.analysis.tv.TvSummaryRow;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final List<String> PAIRS = List.of("Const vs LR-decay", "Const vs WD-decay", "LR-decay vs WD-decay");

    @TempDir
    Path dir;

    private static Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("config hash", "9f2c1e");
        facts.put("trials per schedule", "8");
        facts.put("git commit", "2a24dc4");
        facts.put("generated", "2026-11-28T03:00:00Z");
        return facts;
    }

    @Test
    void writesEveryChartAsPngAndSvgAndASelfContainedPage() throws Exception {
        List<MetricRow> metrics = Synthetic.metrics(Synthetic.SCHEDULES, 8, 200, 11);
        List<TvSummaryRow> tv = Synthetic.tv(Synthetic.SCHEDULES, 8, List.of(120, 200));

        ReportFiles files = Report.write(dir, "mnist", metrics, tv, facts());

        List<String> names = List.of("errors", "tv_vs_n_epoch120", "tv_vs_n_epoch200", "mixing_1", "mixing_2",
                "mixing_3", "norms", "effective_lr");
        List<Path> expected = new ArrayList<>();
        names.forEach(n -> expected.addAll(List.of(dir.resolve(n + ".png"), dir.resolve(n + ".svg"))));
        assertEquals(expected, files.charts());
        assertEquals(List.of(), files.skipped());
        assertEquals(dir.resolve("report.html"), files.html());
        for (String name : names) {
            boolean panel = name.startsWith("mixing_");
            assertPngIsAChart(dir.resolve(name + ".png"), panel ? Charts.PANEL_WIDTH : Charts.WIDTH,
                    panel ? Charts.PANEL_HEIGHT : Charts.HEIGHT);
        }

        List<String> errorSeries = List.of("Const test", "Const train", "LR-decay test", "LR-decay train",
                "WD-decay test", "WD-decay train");
        assertSvgNames(dir.resolve("errors.svg"), errorSeries);
        List<String> nSeries = new ArrayList<>();
        for (String pair : PAIRS) {
            nSeries.addAll(List.of(pair, "random subsets " + pair, "baseline " + pair, "noise floor " + pair));
        }
        assertSvgNames(dir.resolve("tv_vs_n_epoch120.svg"), nSeries);
        assertSvgNames(dir.resolve("tv_vs_n_epoch200.svg"), nSeries);
        // Small multiples: one panel per pair, in pair order, each with only its own pair's lines.
        for (int i = 0; i < PAIRS.size(); i++) {
            String pair = PAIRS.get(i);
            assertSvgSeriesExactly(dir.resolve("mixing_" + (i + 1) + ".svg"), List.of(pair, "noise floor " + pair));
        }
        assertSvgNames(dir.resolve("norms.svg"), Synthetic.SCHEDULES);
        assertSvgNames(dir.resolve("effective_lr.svg"), Synthetic.SCHEDULES);

        String html = Files.readString(files.html());
        Document page = parse(html, false);
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html"));
        assertEquals("mixfarm report: mnist", page.getElementsByTagName("h1").item(0).getTextContent());
        assertEquals(names.size(), page.getElementsByTagNameNS(SVG_NS, "svg").getLength());
        for (String fact : facts().values()) {
            assertTrue(html.contains(fact), fact);
        }
        for (String series : errorSeries) {
            assertTrue(html.contains(series), series);
        }
        for (String series : nSeries) {
            assertTrue(html.contains(series), series);
        }
        assertEquals(tv.size(), summaryRows(page).getLength());
        assertTrue(html.contains("<td>0.0120 ± 0.0010</td>"), "noise floor of the n = 1 row, mean ± sd");
        // Each explanation once: the TV-against-n and mixing captions are not repeated per chart.
        assertEquals(1, count(html, "one chart per record epoch"));
        assertEquals(1, count(html, "One panel per pair of schedules"));
        assertEquals(1, count(html, "<div class=\"panels\">"));
        // The verdict table comes first, one row per record epoch and pair, from the all-trials rows.
        assertTrue(html.indexOf("id=\"verdict\"") < html.indexOf("id=\"facts\""));
        NodeList verdicts = tableRows(page, "verdict");
        assertEquals(2 * PAIRS.size(), verdicts.getLength());
        for (int i = 0; i < verdicts.getLength(); i++) {
            NodeList cells = ((Element) verdicts.item(i)).getElementsByTagName("td");
            String words = cells.item(5).getTextContent();
            double p = Double.parseDouble(cells.item(4).getTextContent());
            assertEquals(p < 0.05 ? "separated" : "on the floor", words, "row " + i);
        }
        assertSelfContained(html);
        assertIdsUnique(html);
    }

    @Test
    void escapesScheduleNamesAndFactsEverywhere() throws Exception {
        String odd = "A<&>B";
        List<String> schedules = List.of(odd, "Const");
        Map<String, String> facts = Map.of("note <b>", "<script>alert('x')</script> & more");

        ReportFiles files = Report.write(dir, "odd & <names>", Synthetic.metrics(schedules, 3, 12, 5),
                Synthetic.tv(schedules, 4, List.of(10)), facts);

        String html = Files.readString(files.html());
        assertFalse(html.contains(odd));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<b>"));
        assertTrue(html.contains("A&lt;&amp;&gt;B"));
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
        Document page = parse(html, false);
        assertEquals("mixfarm report: odd & <names>", page.getElementsByTagName("title").item(0).getTextContent());
        Element firstRow = (Element) summaryRows(page).item(0);
        assertEquals(odd, firstRow.getElementsByTagName("td").item(1).getTextContent());
        assertSvgNames(dir.resolve("errors.svg"), List.of(odd + " test", odd + " train", "Const test"));
        assertSvgNames(dir.resolve("tv_vs_n_epoch10.svg"),
                List.of(odd + " vs Const", "noise floor " + odd + " vs Const"));
    }

    @Test
    void withoutTvRowsTheTvChartsAreSkippedAndTheReportSaysSo() throws Exception {
        ReportFiles files = Report.write(dir, "early", Synthetic.metrics(Synthetic.SCHEDULES, 2, 30, 3), List.of(),
                facts());

        assertEquals(List.of("tv_vs_n, mixing: no TV summary rows yet"), files.skipped());
        assertEquals(List.of("errors.png", "errors.svg", "norms.png", "norms.svg", "effective_lr.png",
                "effective_lr.svg"), files.charts().stream().map(p -> p.getFileName().toString()).toList());
        try (Stream<Path> listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith("tv_vs_n")
                    || p.getFileName().toString().startsWith("mixing")));
        }
        String html = Files.readString(files.html());
        parse(html, false);
        assertTrue(html.contains("no TV summary rows yet"));
        assertTrue(html.contains("No TV summary rows yet."));
        assertFalse(html.contains("<table class=\"summary\">"));
        assertSelfContained(html);
    }

    @Test
    void withNoDataAtAllOnlyThePageIsWritten() throws Exception {
        ReportFiles files = Report.write(dir, "empty", List.of(), List.of(), Map.of());

        assertEquals(List.of(), files.charts());
        assertEquals(2, files.skipped().size());
        String html = Files.readString(files.html());
        parse(html, false);
        assertTrue(html.contains("No facts were given."));
        try (Stream<Path> listing = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("report.html")), listing.toList());
        }
    }

    @Test
    void oneRecordEpochAndMissingNumbersStillGiveCharts() throws Exception {
        // One record epoch, and a TV job that computed neither permutations, bootstrap nor random subsets.
        List<TvSummaryRow> tv = new ArrayList<>();
        for (int n : List.of(1, 2, 4)) {
            tv.add(new TvSummaryRow(200, "Const", "LR-decay", n, n, n, 0.02 / n, Double.NaN, Double.NaN, 0.03,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n == 4, Double.NaN));
        }
        // Norms were not recorded; one effective LR is zero, which a log axis cannot show.
        List<MetricRow> metrics = new ArrayList<>();
        for (MetricRow r : Synthetic.metrics(List.of("Const", "LR-decay"), 2, 6, 9)) {
            metrics.add(new MetricRow(r.schedule(), r.trial(), r.epoch(), r.lr(), r.trainError(), r.testError(),
                    Double.NaN, r.epoch() == 1 ? 0.0 : r.effectiveLr(), r.groupNorms()));
        }

        ReportFiles files = Report.write(dir, "sparse", metrics, tv, facts());

        assertEquals(List.of("norms: no finite values to draw"), files.skipped());
        assertTrue(files.charts().contains(dir.resolve("mixing_1.png")));
        assertTrue(files.charts().contains(dir.resolve("tv_vs_n_epoch200.png")));
        assertTrue(files.charts().contains(dir.resolve("effective_lr.svg")));
        assertPngIsAChart(dir.resolve("mixing_1.png"), Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
        assertSvgNames(dir.resolve("mixing_1.svg"), List.of("Const vs LR-decay"));
        String html = Files.readString(files.html());
        Document page = parse(html, false);
        assertEquals(3, summaryRows(page).getLength());
        assertTrue(html.contains("<td>" + Html.MISSING + "</td>"));
        assertTrue(html.contains("only one record epoch"));
        assertTrue(html.contains("not tested"), "no permutations, so no verdict");
    }

    @Test
    void theVerdictReadsTheHolmAdjustedPValuesOfTheAllTrialsRows() throws Exception {
        // Raw p 0.001, 0.03 and 0.04 are each below 0.05; Holm over the three all-trials rows gives 3 x 0.001 =
        // 0.003, then 2 x 0.03 = 0.06 and max(0.06, 1 x 0.04) = 0.06: one pair separated, two on the floor. The
        // n = 1 row is part of a curve, not a test: no Holm p, no verdict.
        List<TvSummaryRow> tv = new ArrayList<>();
        double[] p = {0.001, 0.03, 0.04};
        for (int i = 0; i < PAIRS.size(); i++) {
            String[] pair = PAIRS.get(i).split(" vs ");
            tv.add(new TvSummaryRow(200, pair[0], pair[1], 4, 4, 4, 0.1, 0.1, 0, 0.03, 0.05, 0.01, p[i], 0.05, 0.02,
                    0.2, true, Double.NaN));
        }
        tv.add(new TvSummaryRow(200, "Const", "LR-decay", 1, 1, 1, 0.3, 0.3, 0, 0.03, 0.2, 0.05, 0.001, 0.1, 0, 0.5,
                false, Double.NaN));

        ReportFiles files = Report.write(dir, "verdicts", List.of(), TvSummaryRow.withHolm(tv), facts());

        NodeList rows = summaryRows(parse(Files.readString(files.html()), false));
        List<String> seen = new ArrayList<>();
        for (int r = 0; r < rows.getLength(); r++) {
            NodeList cells = ((Element) rows.item(r)).getElementsByTagName("td");
            seen.add(cells.item(1).getTextContent() + " vs " + cells.item(2).getTextContent() + " n="
                    + cells.item(3).getTextContent() + ": p " + cells.item(9).getTextContent() + ", Holm p "
                    + cells.item(10).getTextContent() + ", " + cells.item(11).getTextContent());
        }
        assertEquals(List.of(
                "Const vs LR-decay n=1: p 0.001, Holm p " + Html.MISSING + ", ",
                "Const vs LR-decay n=4: p 0.001, Holm p 0.003, separated",
                "Const vs WD-decay n=4: p 0.030, Holm p 0.060, on the floor",
                "LR-decay vs WD-decay n=4: p 0.040, Holm p 0.060, on the floor"), seen);
    }

    private static void assertPngIsAChart(Path png) throws IOException {
        assertPngIsAChart(png, Charts.WIDTH, Charts.HEIGHT);
    }

    private static void assertPngIsAChart(Path png, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a readable image");
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, png + " has only " + colours.size() + " colours");
    }

    /** The SVG parses, needs no DTD, and its description names the given series. */
    private static void assertSvgNames(Path svg, List<String> series) throws Exception {
        Document doc = parse(Files.readString(svg), true);
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(SVG_NS, root.getNamespaceURI());
        String desc = doc.getElementsByTagNameNS(SVG_NS, "desc").item(0).getTextContent();
        List<String> listed = List.of(desc.substring("Series: ".length()).split("; "));
        for (String name : series) {
            assertTrue(listed.contains(name), svg.getFileName() + " lacks series " + name + ": " + listed);
        }
    }

    /** The SVG's description names exactly these series, in this order. */
    private static void assertSvgSeriesExactly(Path svg, List<String> series) throws Exception {
        Document doc = parse(Files.readString(svg), true);
        String desc = doc.getElementsByTagNameNS(SVG_NS, "desc").item(0).getTextContent();
        assertEquals(series, List.of(desc.substring("Series: ".length()).split("; ")), svg.getFileName().toString());
    }

    private static NodeList summaryRows(Document page) {
        return tableRows(page, "summary");
    }

    /** The body rows of the table of the given class. */
    private static NodeList tableRows(Document page, String tableClass) {
        NodeList tables = page.getElementsByTagName("table");
        for (int i = 0; i < tables.getLength(); i++) {
            Element table = (Element) tables.item(i);
            if (tableClass.equals(table.getAttribute("class"))) {
                return ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
            }
        }
        throw new AssertionError("no table of class " + tableClass);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Nothing the page would fetch: no scripts, no stylesheets, no web addresses other than XML namespaces. */
    private static void assertSelfContained(String html) {
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("src="));
        String withoutNamespaces = html.replaceAll("xmlns(:\\w+)?=\"[^\"]*\"", "");
        assertFalse(withoutNamespaces.contains("http://"));
        assertFalse(withoutNamespaces.contains("https://"));
        assertFalse(html.contains("<!DOCTYPE svg"));
    }

    /** Inlined SVGs must not share element ids, or one chart's clip path would clip another's. */
    private static void assertIdsUnique(String html) {
        Matcher m = Pattern.compile(" id=\"([^\"]*)\"").matcher(html);
        Set<String> seen = new HashSet<>();
        while (m.find()) {
            assertTrue(seen.add(m.group(1)), "duplicate id " + m.group(1));
        }
        assertTrue(seen.size() > 6);
    }

    /** Parses as XML without fetching anything; {@code noDoctype} also rejects any DOCTYPE. */
    private static Document parse(String xml, boolean noDoctype) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", noDoctype);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
    }
}
