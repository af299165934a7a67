package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path dir;

    private static String failure(String spec) {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.open(spec));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void parsesKindsAndFolders() {
        DatasetSpec sample = DatasetSpec.parse("mnist-sample");
        assertEquals(DatasetSpec.Kind.MNIST_SAMPLE, sample.kind());
        assertNull(sample.folder());
        DatasetSpec fashion = DatasetSpec.parse(" Fashion-MNIST:/data/fashion ");
        assertEquals(DatasetSpec.Kind.FASHION_MNIST, fashion.kind());
        assertEquals(Path.of("/data/fashion"), fashion.folder());
        assertEquals("fashion-mnist:/data/fashion", fashion.toString());
        assertEquals(fashion, DatasetSpec.parse(fashion.toString()));
        assertEquals(DatasetSpec.Kind.CIFAR100_COARSE, DatasetSpec.parse("cifar100-coarse:c").kind());
    }

    @Test
    void opensTheEmbeddedSample() {
        Dataset sample = Datasets.open("mnist-sample");
        assertEquals("mnist-sample", sample.name());
        assertEquals(8_000, sample.train().count());
    }

    @Test
    void opensIdxFoldersUnderTheirKindName() {
        Dataset data = TestData.mnistLike(20, 10);
        IdxWriter.writeFolder(dir, data);
        for (String kind : new String[] {"mnist", "fashion-mnist", "kmnist"}) {
            Dataset read = Datasets.open(kind + ":" + dir);
            assertEquals(kind, read.name());
            assertTrue(read.test().sameContent(data.test()));
        }
    }

    @Test
    void unknownKindNamesTheAcceptedOnes() {
        String message = failure("imagenet:/data");
        assertTrue(message.contains("unknown dataset kind 'imagenet'"), message);
        assertTrue(message.contains("mnist-sample, mnist:<folder>, fashion-mnist:<folder>, kmnist:<folder>, "
                + "cifar10:<folder>, cifar100:<folder>, cifar100-coarse:<folder>"), message);
    }

    @Test
    void malformedSpecs() {
        assertTrue(failure("").contains("empty dataset spec"));
        assertTrue(failure("mnist").contains("needs a folder: mnist:<folder>"));
        assertTrue(failure("cifar10:").contains("empty folder"));
        assertTrue(failure("mnist-sample:/tmp").contains("takes no folder"));
    }

    @Test
    void missingDataIsReportedByTheReader() {
        assertTrue(failure("mnist:" + dir.resolve("absent")).contains("no such folder"));
        assertTrue(failure("cifar100:" + dir).contains("missing CIFAR-100 files"));
    }
}
