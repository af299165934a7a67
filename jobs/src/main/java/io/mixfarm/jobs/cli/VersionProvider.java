package io.mixfarm.jobs.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build), or "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Mixfarm.class.getPackage().getImplementationVersion();
        return new String[] {"mixfarm " + (version == null ? "dev" : version)};
    }
}
