package io.mixfarm.jobs.store;

import org.apache.parquet.io.OutputFile;

/**
 * A Parquet output file of the store: kilobytes (a trial's rows, a record point's predictions), far below any row
 * group or HDFS block, so block sizes are not offered.
 */
interface SmallOutputFile extends OutputFile {

    @Override
    default boolean supportsBlockSize() {
        return false;
    }

    @Override
    default long defaultBlockSize() {
        return 0;
    }
}
