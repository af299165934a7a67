package io.mixfarm.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a reader sees it: loaded by a real headless Chromium (Debian's package), with no console message
 * (the page has no script, so any message is an error) and a screenshot that is not blank. The machine image has no
 * Chromium, so without it these tests are skipped with one line; CI installs it after the README's test command and
 * runs this class again, also on the sample farm's own report ({@code -Dmixfarm.report.html=...}).
 */
class ReportInBrowserTest {

    /** The page width a reader's browser might have; the height covers the facts and the first chart. */
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 1600;

    private static Path browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void findBrowser() {
        Optional<Path> found = Stream.of("chromium", "chromium-headless-shell")
                .flatMap(name -> Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, name)))
                .filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            String line = "SKIPPED the report in a browser: no chromium on PATH; run it with: apt-get install -y chromium"
                    + " && mvn -B -pl analysis test -Dtest=ReportInBrowserTest";
            System.err.println(line);
            Assumptions.abort(line);
        }
        browser = found.get();
    }

    @Test
    void aReportLoadsWithoutConsoleMessagesAndShowsSomething() throws Exception {
        List<MetricRow> metrics = Synthetic.metrics(Synthetic.SCHEDULES, 8, 200, 11);
        ReportFiles files = Report.write(dir, "mnist", metrics, Synthetic.tv(Synthetic.SCHEDULES, 8, List.of(120, 200)),
                new java.util.LinkedHashMap<>(java.util.Map.of("config hash", "9f2c1e")));
        assertRendersClean(files.html(), dir.resolve("screenshot.png"));
    }

    @Test
    void aMixingStudysReportWithItsPanelsLoadsWithoutConsoleMessages() throws Exception {
        ReportFiles files = Report.write(dir, "study", List.of(), StudyCurvesTest.rows(),
                java.util.Optional.of(StudyCurvesTest.CURVES), List.of(), List.of(), java.util.Map.of());
        assertTrue(Files.readString(files.html()).contains("<figure id=\"mixing_study_2-figure\">"));
        assertRendersClean(files.html(), dir.resolve("screenshot.png"));
    }

    @Test
    @EnabledIfSystemProperty(named = "mixfarm.report.html", matches = ".+")
    void theGivenReportLoadsWithoutConsoleMessagesAndShowsSomething() throws Exception {
        Path html = Path.of(System.getProperty("mixfarm.report.html"));
        assertTrue(Files.isRegularFile(html), html + " is not a file");
        assertRendersClean(html, html.resolveSibling("screenshot.png"));
    }

    @Test
    void theCheckSeesAScriptErrorAndABlankPage() throws Exception {
        Path broken = dir.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><p>x</p><script>noSuchFunction();</script></body></html>");
        Rendered r = render(broken, dir.resolve("broken.png"));
        assertEquals(1, r.console().size(), () -> "console: " + r.console());
        assertTrue(r.console().get(0).contains("noSuchFunction is not defined"), r.console().get(0));

        Path blank = dir.resolve("blank.html");
        Files.writeString(blank, "<!DOCTYPE html><html><body></body></html>");
        assertFalse(shows(render(blank, dir.resolve("blank.png")).screenshot()));
    }

    private void assertRendersClean(Path html, Path png) throws Exception {
        Rendered r = render(html, png);
        assertEquals(List.of(), r.console(), html + ": console messages");
        assertTrue(shows(r.screenshot()), png + " is blank");
    }

    /** A screenshot shows something when many pixels are not background and they come in many colours. */
    private static boolean shows(BufferedImage image) {
        int background = image.getRGB(0, 0);
        Set<Integer> colours = new HashSet<>();
        long painted = 0;
        long sampled = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb);
                painted += rgb != background ? 1 : 0;
                sampled++;
            }
        }
        return colours.size() > 50 && painted > sampled / 50;
    }

    /** What the browser printed to its console, and its screenshot of the top of the page. */
    private record Rendered(List<String> console, BufferedImage screenshot) {
    }

    private Rendered render(Path html, Path png) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "chromium", ".log");
        // The flags the machine's own check uses: no sandbox as root, and nothing that reaches for the network.
        Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(dir, "profile"),
                "--enable-logging=stderr", "--v=0", "--window-size=" + WIDTH + "," + HEIGHT,
                "--screenshot=" + png.toAbsolutePath(), html.toAbsolutePath().toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + Files.readString(log));
        }
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line.substring(line.indexOf(":CONSOLE")));
            }
        }
        BufferedImage image = Files.exists(png) ? ImageIO.read(png.toFile()) : null;
        assertNotNull(image, () -> "no screenshot; chromium said: " + readQuietly(log));
        return new Rendered(console, image);
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
