package io.mixfarm.jobs.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The mixfarm version and git commit this code was built from (the build writes {@code git.properties}; the
 * git-commit-id plugin's default "flat" naming calls the full id {@code git.commit.id}).
 *
 * @param version mixfarm's version, "dev" when run from classes
 * @param commit  the full git commit id, with "-dirty" if the work tree had changes; "unknown" outside git
 */
public record BuildInfo(String version, String commit) {

    /** The running build's info. */
    public static BuildInfo current() {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        Properties git = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/mixfarm/jobs/git.properties")) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String commit = git.getProperty("git.commit.id", "unknown");
        if (Boolean.parseBoolean(git.getProperty("git.dirty", "false"))) {
            commit += "-dirty";
        }
        return new BuildInfo(version == null ? "dev" : version, commit);
    }
}
