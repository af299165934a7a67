package io.mixfarm.jobs.store;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;

/**
 * A Parquet output file on a given file system instance. Parquet's own {@code HadoopOutputFile} looks the file
 * system up from the path and configuration, which would bypass the store's {@link InProcessLocalFileSystem}.
 */
record FileSystemOutputFile(FileSystem fs, Path path) implements SmallOutputFile {

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, false));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, true));
    }

    @Override
    public String getPath() {
        return path.toString();
    }
}
