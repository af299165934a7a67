package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Hadoop's local file system (checksummed, as {@code file:} paths get by default), except that it sets
 * permissions in this process. Hadoop's {@link RawLocalFileSystem} sets them with its native library, which no
 * Maven artifact ships, or else by running {@code chmod} as a child process: for every file it creates and every
 * folder it makes, so twice per Parquet file with its {@code .crc}: slower than writing the file, and in a farm
 * the child waits for a core the other trial is using (the figures:
 * docs/performance.md, "What a busy neighbour costs, the farm's file writes, and the warm-up").
 */
final class InProcessLocalFileSystem extends LocalFileSystem {

    private InProcessLocalFileSystem() {
        super(new Raw());
    }

    /** {@code fs} itself, or an instance of this class with {@code conf} if {@code fs} is Hadoop's local one. */
    static FileSystem of(FileSystem fs, Configuration conf) throws IOException {
        if (!(fs instanceof LocalFileSystem)) {
            return fs;
        }
        InProcessLocalFileSystem local = new InProcessLocalFileSystem();
        local.initialize(fs.getUri(), conf);
        return local;
    }

    private static final class Raw extends RawLocalFileSystem {

        @Override
        public void setPermission(Path path, FsPermission permission) throws IOException {
            // The sticky bit (only folders carry it) has no java.nio equivalent; Hadoop's own files never set it.
            String rwx = permission.getUserAction().SYMBOL + permission.getGroupAction().SYMBOL
                    + permission.getOtherAction().SYMBOL;
            try {
                Files.setPosixFilePermissions(pathToFile(path).toPath(), PosixFilePermissions.fromString(rwx));
            } catch (UnsupportedOperationException e) {
                super.setPermission(path, permission); // not a POSIX file system
            }
        }
    }
}
