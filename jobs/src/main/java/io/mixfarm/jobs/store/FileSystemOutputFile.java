package io.mixfarm.jobs.store;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;

/**
 * A Parquet output file on a given file system instance. Parquet's own {@code HadoopOutputFile} looks the file
 * system up from the path and configuration, which would bypass the store's {@link InProcessLocalFileSystem}.
 * Block sizes are not offered: the store's files are kilobytes, far below any row group or HDFS block.
 */
record FileSystemOutputFile(FileSystem fs, Path path) implements OutputFile {

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, false));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, true));
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return path.toString();
    }
}
