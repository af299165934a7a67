package io.mixfarm.jobs.store;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's local file system: Hadoop's permissions, set without a child process. */
class InProcessLocalFileSystemTest {

    @TempDir
    Path dir;

    @Test
    void writingATrialStartsNoProcessWhereHadoopsOwnStartsSome() throws IOException {
        ExperimentStore store = new ExperimentStore(dir.resolve("out").toString(), new Configuration());
        List<String> ours = processesStartedBy(() -> store.writeTrial("Const", 7, Fixtures.result("Const", 7),
                Fixtures.labels(), Fixtures.succeeded("Const", 7, "h"), Fixtures.PROVENANCE));
        assertEquals(List.of(), ours);
        assertTrue(Files.exists(dir.resolve("out/trials/schedule=Const/" + Layout.fileName(7))));

        // The same kind of write through the file system Hadoop hands out for a local path: why this class exists.
        try (FileSystem stock = FileSystem.newInstance(dir.toUri(), new Configuration())) {
            List<String> theirs = processesStartedBy(() -> write(stock, dir.resolve("stock/a.bin")));
            assertTrue(theirs.stream().anyMatch(command -> command.startsWith("chmod")), theirs.toString());
        }
    }

    @Test
    void filesAndFoldersGetThePermissionsHadoopGivesThem() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.permissions.umask-mode", "027");
        try (FileSystem stock = FileSystem.newInstance(dir.toUri(), conf);
             FileSystem ours = InProcessLocalFileSystem.of(stock, conf)) {
            write(stock, dir.resolve("stock/sub/a.bin"));
            write(ours, dir.resolve("ours/sub/a.bin"));
            for (String name : List.of("sub", "sub/a.bin")) {
                assertEquals(posix(dir.resolve("stock/" + name)), posix(dir.resolve("ours/" + name)), name);
            }
            assertEquals("rw-r-----", posix(dir.resolve("ours/sub/a.bin")));
            assertEquals("rwxr-x---", posix(dir.resolve("ours/sub")));
        }
    }

    @Test
    void anExplicitPermissionIsSetAndReadBack() throws IOException {
        Configuration conf = new Configuration();
        try (FileSystem stock = FileSystem.newInstance(dir.toUri(), conf);
             FileSystem ours = InProcessLocalFileSystem.of(stock, conf)) {
            org.apache.hadoop.fs.Path file = write(ours, dir.resolve("a.bin"));
            ours.setPermission(file, new FsPermission((short) 0604));
            assertEquals("rw----r--", posix(dir.resolve("a.bin")));
            assertEquals(new FsPermission((short) 0604), ours.getFileStatus(file).getPermission());
        }
    }

    @Test
    void anotherFileSystemIsKeptAsItIs() throws IOException {
        try (FileSystem raw = new RawLocalFileSystem()) {
            assertSame(raw, InProcessLocalFileSystem.of(raw, new Configuration()));
        }
    }

    private static org.apache.hadoop.fs.Path write(FileSystem fs, Path file) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        try (FSDataOutputStream out = fs.create(path, false)) {
            out.write(new byte[] {1, 2, 3});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return path;
    }

    private static String posix(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /**
     * The command lines of the processes this thread started while {@code action} ran, from a flight recording
     * (other threads of the test JVM, such as an earlier test's Spark cleaning up with {@code rm -rf}, are not
     * the store's doing).
     */
    private List<String> processesStartedBy(Runnable action) throws IOException {
        Path file = Files.createTempFile(dir, "processes", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ProcessStart");
            recording.start();
            action.run();
            recording.stop();
            recording.dump(file);
        }
        long thread = Thread.currentThread().getId();
        return RecordingFile.readAllEvents(file).stream()
                .filter((RecordedEvent e) -> e.getThread() != null && e.getThread().getJavaThreadId() == thread)
                .map(e -> e.getString("command"))
                .toList();
    }
}
