package io.mixfarm.jobs.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The commit a build records is the checkout's own (a fresh clone's report once said "commit unknown"). */
class BuildInfoTest {

    @Test
    void aBuildFromAGitCheckoutRecordsItsCommit() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        // .git is a folder in a clone and a file in a worktree; a source archive has neither and records "unknown".
        if (!Files.exists(root.resolve(".git"))) {
            assertEquals("unknown", BuildInfo.current().commit());
            return;
        }
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(root.toFile()).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, git.waitFor(), "git rev-parse HEAD");
        String commit = BuildInfo.current().commit();
        assertTrue(commit.equals(head) || commit.equals(head + "-dirty"),
                () -> "recorded commit " + commit + ", checkout at " + head);
    }
}
