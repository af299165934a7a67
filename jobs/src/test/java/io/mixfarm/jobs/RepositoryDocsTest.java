package io.mixfarm.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The repository's sources cite its own docs, by section, and nothing outside it: a citation of a file the
 * repository does not hold, or of a section a doc no longer has, sends a reader nowhere.
 */
class RepositoryDocsTest {

    /** Tests run in the module's folder; the repository's root is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** What is searched: the modules' sources, the configs, the launch scripts, the README and the docs. */
    private static final List<String> SEARCHED = List.of("core/src", "analysis/src", "jobs/src", "submit", "conf",
            "docs", "README.md");
    private static final Set<String> TEXT = Set.of("java", "conf", "properties", "md", "sh", "xml", "");
    /** Documents that live outside the repository, and so must not be cited from it ("[s]": not this line). */
    private static final Pattern OUTSIDE = Pattern.compile("experiment\\.md|paper\\.md|/work/[s]hared");
    /** A citation of a doc's section: {@code docs/method.md, "Estimators"} or {@code docs/method.md "Trials"}. */
    private static final Pattern SECTION = Pattern.compile("docs/([a-z-]+\\.md),? \"([^\"]+)\"");

    @Test
    void nothingCitesADocumentOutsideTheRepository() {
        List<String> found = new ArrayList<>();
        forEachLine((file, number, line) -> {
            if (OUTSIDE.matcher(line).find()) {
                found.add(ROOT.relativize(file) + ":" + number + ": " + line.strip());
            }
        });
        assertEquals(List.of(), found, "cite docs/ instead (docs/method.md holds the method)");
    }

    @Test
    void everyCitedSectionOfTheDocsExists() {
        List<String> missing = new ArrayList<>();
        List<String> cited = new ArrayList<>();
        forEachLine((file, number, line) -> {
            Matcher m = SECTION.matcher(line);
            while (m.find()) {
                cited.add(m.group());
                if (!hasSection(ROOT.resolve("docs").resolve(m.group(1)), m.group(2))) {
                    missing.add(ROOT.relativize(file) + ":" + number + ": " + m.group());
                }
            }
        });
        assertFalse(cited.isEmpty(), "the search found no citation at all: is the repository's root " + ROOT + "?");
        assertEquals(List.of(), missing, "cited sections that the docs do not have");
    }

    /** Whether {@code doc} has a heading that is {@code section}, or {@code section} followed by " (...)". */
    private static boolean hasSection(Path doc, String section) {
        if (!Files.isRegularFile(doc)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(doc)) {
            return lines.map(l -> l.replaceFirst("^#+ ", "\u0000"))
                    .filter(l -> l.startsWith("\u0000"))
                    .map(l -> l.substring(1))
                    .anyMatch(h -> h.equals(section) || h.startsWith(section + " ("));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface LineVisitor {
        void visit(Path file, int number, String line);
    }

    private static void forEachLine(LineVisitor visitor) {
        for (String entry : SEARCHED) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(entry))) {
                for (Path file : files.filter(Files::isRegularFile).filter(RepositoryDocsTest::isSearched).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        visitor.visit(file, i + 1, lines.get(i));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Text files of the repository, not build outputs. */
    private static boolean isSearched(Path file) {
        for (Path part : ROOT.relativize(file)) {
            if (part.toString().equals("target")) {
                return false;
            }
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return TEXT.contains(dot < 0 ? "" : name.substring(dot + 1));
    }
}
