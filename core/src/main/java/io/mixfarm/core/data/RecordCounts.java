package io.mixfarm.core.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How many records each file of a binary (CIFAR) folder must hold. The file sizes alone cannot tell a published file
 * from one cut at a record boundary, which would read as a smaller data set; so a folder holds the published counts,
 * unless it declares its own in {@value #FILE} (as {@link CifarWriter}'s synthetic stand-ins and test folders do),
 * and then those.
 *
 * @param records    the records each file must hold, by file name
 * @param dataset    the data set's name for messages, such as "CIFAR-10"
 * @param declaredIn the folder's declaration, or {@code null} for the published counts
 */
record RecordCounts(Map<String, Integer> records, String dataset, Path declaredIn) {

    /** The declaration's file name, in the folder of the files it counts. */
    static final String FILE = "mixfarm-record-counts.properties";

    RecordCounts {
        records = Collections.unmodifiableMap(new LinkedHashMap<>(records)); // in order: messages name the first
    }

    /**
     * The counts {@code folder}'s files must hold: those {@value #FILE} declares for every one of them, if it
     * exists, else {@code published}.
     *
     * @throws DatasetException if the declaration cannot be read or leaves a file out
     */
    static RecordCounts of(Path folder, Map<String, Integer> published, String dataset) {
        Path declaration = folder.resolve(FILE);
        if (!Files.exists(declaration)) {
            return new RecordCounts(published, dataset, null);
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(declaration, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return new RecordCounts(published, dataset, null); // deleted since the check
        } catch (IOException | IllegalArgumentException e) {
            throw DatasetException.inFile(declaration, "cannot read (" + DatasetException.describe(e) + ")", e);
        }
        Map<String, Integer> declared = new LinkedHashMap<>();
        for (String file : published.keySet()) {
            String value = properties.getProperty(file);
            if (value == null) {
                throw DatasetException.inFile(declaration, "declares no record count for " + file);
            }
            declared.put(file, positive(declaration, file, value.strip()));
        }
        return new RecordCounts(declared, dataset, declaration);
    }

    /** Writes {@code records} as {@code folder}'s declaration, in the given order. */
    static void declare(Path folder, Map<String, Integer> records) {
        StringBuilder text = new StringBuilder("# Not a published data set: the records each file holds, which the"
                + " reader requires (mixfarm).\n");
        records.forEach((file, count) -> text.append(file).append('=').append(count).append('\n'));
        Path declaration = folder.resolve(FILE);
        try {
            Files.writeString(declaration, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DatasetException.inFile(declaration, "cannot write (" + DatasetException.describe(e) + ")", e);
        }
    }

    /**
     * Checks that {@code file}, found to hold {@code found} records, holds what it must.
     *
     * @throws DatasetException naming the file, the count found and the count required
     */
    void check(Path file, long found) {
        int expected = records.get(file.getFileName().toString());
        if (found == expected) {
            return;
        }
        String problem = found + (found == 1 ? " record" : " records") + ", but " + (declaredIn == null
                ? "the published " + dataset + " file has exactly " + expected + " (cut short, or not " + dataset
                        + "; a folder of other counts declares them in " + FILE + ")"
                : FILE + " in its folder declares " + expected);
        throw DatasetException.inFile(file, problem);
    }

    private static int positive(Path declaration, String file, String value) {
        try {
            int count = Integer.parseInt(value);
            if (count > 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw DatasetException.inFile(declaration, "record count of " + file + " is not a positive whole number: \""
                + value + "\"");
    }
}
