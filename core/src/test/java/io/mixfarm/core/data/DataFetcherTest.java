package io.mixfarm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class DataFetcherTest {

    /** The .invalid top-level domain never resolves (RFC 2606), which is what "offline" looks like. */
    private static final URI UNRESOLVABLE = URI.create("http://mixfarm-offline.invalid/mnist/");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private HttpServer server;
    /** Holds the "/slow" handler until the test is over, so the client times out first. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** Bodies served by path; paths not in the map get 404. */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                awaitRelease();
            }
            if (exchange.getRequestURI().getPath().equals("/stall")) {
                exchange.sendResponseHeaders(200, 1000);
                OutputStream out = exchange.getResponseBody();
                out.write(new byte[100]);
                out.flush();
                awaitRelease();
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private URI local(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static String failure(Executable download) {
        DatasetException e = assertThrows(DatasetException.class, download);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void offlineIsOneClearLineAndLeavesNoFiles() throws IOException {
        DataFetcher fetcher = new DataFetcher(UNRESOLVABLE, UNRESOLVABLE.resolve("cifar.tar.gz"), TIMEOUT);
        String mnist = failure(() -> fetcher.fetchMnist(dir));
        assertEquals("cannot download http://mixfarm-offline.invalid/mnist/train-images-idx3-ubyte.gz: "
                + "no network (UnknownHostException)", mnist);
        String cifar = failure(() -> fetcher.fetchCifar10(dir));
        assertTrue(cifar.endsWith("cifar.tar.gz: no network (UnknownHostException)"), cifar);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void checksumMismatchSavesNothing() throws IOException {
        byte[] fake = "not MNIST".getBytes(StandardCharsets.US_ASCII);
        served.put("/mnist/train-images-idx3-ubyte.gz", fake);
        DataFetcher fetcher = new DataFetcher(local("/mnist/"), local("/cifar.tar.gz"), TIMEOUT);
        String message = failure(() -> fetcher.fetchMnist(dir));
        assertEquals("cannot download " + local("/mnist/train-images-idx3-ubyte.gz") + ": SHA-256 mismatch: expected "
                + DataFetcher.MNIST_FILES.get(0).sha256() + ", got " + sha256(fake) + " (9 bytes); nothing was saved",
                message);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void cifarChecksumMismatchSavesNothing() throws IOException {
        served.put("/cifar.tar.gz", new byte[1000]);
        DataFetcher fetcher = new DataFetcher(local("/mnist/"), local("/cifar.tar.gz"), TIMEOUT);
        assertTrue(failure(() -> fetcher.fetchCifar10(dir)).contains("SHA-256 mismatch: expected "
                + DataFetcher.CIFAR10_SHA256));
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void verifiedDownloadIsRenamedIntoPlace() throws IOException {
        byte[] content = new byte[200_000];
        new Random(3).nextBytes(content);
        served.put("/file.bin", content);
        DataFetcher fetcher = new DataFetcher(local("/"), local("/"), TIMEOUT);
        Path target = dir.resolve("file.bin");
        Files.writeString(target, "stale");
        fetcher.download(local("/file.bin"), sha256(content), target);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(List.of(target), filesIn(dir));
        assertTrue(DataFetcher.hasChecksum(target, sha256(content)));
        assertFalse(DataFetcher.hasChecksum(target, sha256(new byte[0])));
        assertFalse(DataFetcher.hasChecksum(dir.resolve("absent"), sha256(content)));
    }

    @Test
    void httpErrorIsReported() throws IOException {
        DataFetcher fetcher = new DataFetcher(local("/"), local("/"), TIMEOUT);
        String message = failure(() -> fetcher.download(local("/missing"), sha256(new byte[0]), dir.resolve("x")));
        assertEquals("cannot download " + local("/missing") + ": HTTP 404", message);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void refusedConnectionIsReported() throws IOException {
        URI closed = local("/file");
        server.stop(0);
        DataFetcher fetcher = new DataFetcher(closed, closed, TIMEOUT);
        String message = failure(() -> fetcher.download(closed, sha256(new byte[0]), dir.resolve("x")));
        assertTrue(message.startsWith("cannot download " + closed + ": cannot connect (ConnectException"), message);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void slowServerTimesOut() throws IOException {
        DataFetcher fetcher = new DataFetcher(local("/"), local("/"), Duration.ofMillis(300));
        String message = failure(() -> fetcher.download(local("/slow"), sha256(new byte[0]), dir.resolve("x")));
        assertTrue(message.endsWith("no response within the timeout (HttpTimeoutException)"), message);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void stalledBodyFailsInsteadOfHanging() throws IOException {
        DataFetcher fetcher = new DataFetcher(local("/"), local("/"), Duration.ofMillis(300));
        String message = failure(() -> fetcher.download(local("/stall"), sha256(new byte[0]), dir.resolve("x")));
        assertTrue(message.endsWith("download stalled (no data for 300 ms)"), message);
        assertEquals(List.of(), filesIn(dir));
    }

    @Test
    void connectTimeoutCountsAsNoNetwork() {
        assertEquals("no network (HttpConnectTimeoutException: no connection within the timeout)",
                DataFetcher.reason(new HttpConnectTimeoutException("HTTP connect timed out")));
    }

    @Test
    void extractsTarGzWhole() throws IOException {
        byte[] batch = "records".getBytes(StandardCharsets.US_ASCII);
        byte[] tar = new TestData.Tar()
                .directory("cifar-10-batches-bin/")
                .file("cifar-10-batches-bin/data_batch_1.bin", batch)
                .file("cifar-10-batches-bin/readme.html", new byte[513])
                .symlink("cifar-10-batches-bin/link")
                .bytes();
        Path archive = Files.write(dir.resolve("cifar-10-binary.tar.gz"), TestData.gzip(tar));
        DataFetcher.extractTarGz(archive, dir, "cifar-10-batches-bin");
        assertArrayEquals(batch, Files.readAllBytes(dir.resolve("cifar-10-batches-bin/data_batch_1.bin")));
        assertEquals(513, Files.size(dir.resolve("cifar-10-batches-bin/readme.html")));
        assertEquals(3, filesIn(dir).size(), "archive and two files, no staging folder left");
    }

    @Test
    void extractionFailureLeavesNoFolder() throws IOException {
        byte[] tar = new TestData.Tar().file("other/file", new byte[10]).bytes();
        Path archive = Files.write(dir.resolve("a.tar.gz"), TestData.gzip(tar));
        String message = failure(() -> DataFetcher.extractTarGz(archive, dir, "cifar-10-batches-bin"));
        assertTrue(message.contains("a.tar.gz") && message.contains("archive holds no folder 'cifar-10-batches-bin'"),
                message);
        assertEquals(List.of(archive), filesIn(dir));
    }

    @Test
    void readsGnuLongNamesAndPaxPaths() throws IOException {
        String gnuName = "top/" + "g".repeat(150) + "/file.bin";
        String paxName = "top/" + "p".repeat(150) + "/file.bin";
        String paxRecord = " path=" + paxName + "\n";
        // A pax record starts with its own length in bytes, digits included.
        int length = paxRecord.length() + 3;
        byte[] tar = new TestData.Tar()
                .entry("././@LongLink", gnuName.getBytes(StandardCharsets.US_ASCII), 'L')
                .file("top/truncated-gnu-name", new byte[] {1})
                .entry("PaxHeaders/file.bin", (length + paxRecord).getBytes(StandardCharsets.US_ASCII), 'x')
                .file("top/truncated-pax-name", new byte[] {2, 2})
                .bytes();
        TarExtractor.extract(new ByteArrayInputStream(tar), dir, "t.tar");
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(dir.resolve(gnuName)));
        assertArrayEquals(new byte[] {2, 2}, Files.readAllBytes(dir.resolve(paxName)));
        assertEquals(2, filesIn(dir).size());
    }

    @Test
    void refusesUnsafeTarNames() {
        byte[] tar = new TestData.Tar().file("../evil", new byte[1]).bytes();
        String message = failure(() -> TarExtractor.extract(new ByteArrayInputStream(tar), dir.resolve("x"), "t.tar"));
        assertEquals("t.tar: unsafe tar entry name '../evil'", message);
        assertFalse(Files.exists(dir.resolve("evil")));
    }

    @Test
    void reportsTruncatedAndCorruptTar() {
        byte[] tar = new TestData.Tar().file("a/b", new byte[2000]).bytes();
        byte[] cut = Arrays.copyOf(tar, 1500);
        assertTrue(failure(() -> TarExtractor.extract(new ByteArrayInputStream(cut), dir, "t.tar"))
                .contains("t.tar: truncated: entry at offset 512 needs 2000 bytes, found 988"));
        byte[] corrupt = tar.clone();
        corrupt[0] = 'z';
        assertTrue(failure(() -> TarExtractor.extract(new ByteArrayInputStream(corrupt), dir, "t.tar"))
                .contains("t.tar: corrupt tar header at offset 0: checksum"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
