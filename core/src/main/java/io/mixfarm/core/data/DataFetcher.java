package io.mixfarm.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Downloads MNIST and CIFAR-10 (binary version) into a folder, checking the SHA-256 of every file.
 *
 * <p>Each file is downloaded to a hidden temporary name in the target folder, verified, then renamed,
 * so a failure (no network, timeout, checksum mismatch) leaves no partial file behind and is reported
 * as one line, for example {@code cannot download https://...: no network (UnknownHostException)}.
 * The timeout bounds connecting, waiting for the response and any silence while the body streams.
 * Files already present with the right checksum are not downloaded again. The proxy, if any, comes
 * from the usual {@code https.proxyHost}/{@code https.proxyPort} system properties.
 */
public final class DataFetcher {

    /** MNIST mirror used by torchvision; its files are byte-identical to the original LeCun files. */
    public static final URI MNIST_BASE = URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/");
    /** CIFAR-10 binary version, from its authors' page. */
    public static final URI CIFAR10_URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");

    /**
     * A file of the MNIST distribution and its SHA-256.
     *
     * @param name   file name, also the last segment of its URL
     * @param sha256 lowercase hex SHA-256 of the file as published
     */
    record Remote(String name, String sha256) {
    }

    /**
     * SHA-256 of the four MNIST files, from TensorFlow Datasets' tensorflow_datasets/url_checksums/mnist.txt
     * (github.com/tensorflow/datasets), which pins the same four files (sizes 9912422, 28881, 1648877,
     * 4542 bytes) on the storage.googleapis.com/cvdf-datasets mirror. torchvision pins the same files on
     * both mirrors by MD5 (f68b3c2d..., d53e105e..., 9fb629c4..., ec29112d...).
     */
    static final List<Remote> MNIST_FILES = List.of(
            new Remote("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            new Remote("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            new Remote("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            new Remote("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"));

    /**
     * SHA-256 of cifar-10-binary.tar.gz (170052171 bytes), from TensorFlow Datasets'
     * tensorflow_datasets/url_checksums/cifar10.txt; other projects pinning the archive agree (its MD5,
     * published on the CIFAR page, is c32a1d4ab5d03f1284b67883e8d87530).
     */
    static final String CIFAR10_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";

    private static final String CIFAR10_ARCHIVE = "cifar-10-binary.tar.gz";
    private static final String CIFAR10_FOLDER = "cifar-10-batches-bin";
    private static final List<String> CIFAR10_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI mnistBase;
    private final URI cifar10Url;
    private final Duration timeout;

    /** A fetcher for the public mirrors with a 30 s timeout. */
    public DataFetcher() {
        this(MNIST_BASE, CIFAR10_URL, DEFAULT_TIMEOUT);
    }

    /** A fetcher for other locations (tests use unresolvable or local ones). */
    DataFetcher(URI mnistBase, URI cifar10Url, Duration timeout) {
        this.mnistBase = mnistBase;
        this.cifar10Url = cifar10Url;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        ProxySelector proxy = ProxySelector.getDefault();
        if (proxy != null) {
            builder.proxy(proxy);
        }
        this.client = builder.build();
    }

    /** Downloads the four MNIST files into {@code folder} (for {@link IdxReader#readFolder}); returns it. */
    public Path fetchMnist(Path folder) {
        createFolder(folder);
        for (Remote remote : MNIST_FILES) {
            Path target = folder.resolve(remote.name());
            if (!hasChecksum(target, remote.sha256())) {
                download(mnistBase.resolve(remote.name()), remote.sha256(), target);
            }
        }
        return folder;
    }

    /**
     * Downloads and unpacks CIFAR-10 into {@code folder}, giving {@code folder/cifar-10-batches-bin/};
     * returns {@code folder}, which {@link CifarReader#readCifar10} accepts. The archive is deleted
     * once unpacked (it is kept if unpacking fails, so a retry need not download it again).
     */
    public Path fetchCifar10(Path folder) {
        createFolder(folder);
        Path batches = folder.resolve(CIFAR10_FOLDER);
        if (CIFAR10_FILES.stream().allMatch(name -> Files.isRegularFile(batches.resolve(name)))) {
            return folder; // only a complete extraction is ever renamed into place
        }
        Path archive = folder.resolve(CIFAR10_ARCHIVE);
        if (!hasChecksum(archive, CIFAR10_SHA256)) {
            download(cifar10Url, CIFAR10_SHA256, archive);
        }
        extractTarGz(archive, folder, CIFAR10_FOLDER);
        delete(archive);
        return folder;
    }

    /**
     * Unpacks {@code archive} into a temporary folder inside {@code folder}, then moves its top-level
     * {@code entry} to {@code folder/entry}, so the result appears whole or not at all.
     */
    static void extractTarGz(Path archive, Path folder, String entry) {
        Path staging = null;
        try {
            staging = Files.createTempDirectory(folder, ".extract-");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
                TarExtractor.extract(in, staging, archive.toString());
            }
            Path extracted = staging.resolve(entry);
            if (!Files.isDirectory(extracted)) {
                throw DatasetException.inFile(archive, "archive holds no folder '" + entry + "'");
            }
            Path target = folder.resolve(entry);
            deleteTree(target);
            Files.move(extracted, target);
        } catch (IOException e) {
            throw DatasetException.inFile(archive, "cannot extract (" + DatasetException.describe(e) + ")", e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    /**
     * Downloads {@code uri} to {@code target} if its SHA-256 is {@code sha256}; on any failure leaves
     * {@code target} as it was and no temporary file.
     */
    void download(URI uri, String sha256, Path target) {
        Path temp = null;
        try {
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + "-", ".part");
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String actual;
            long bytes;
            try (InputStream body = new StallGuard(response.body(), timeout);
                    OutputStream out = Files.newOutputStream(temp)) {
                if (response.statusCode() != 200) {
                    throw failure(uri, "HTTP " + response.statusCode());
                }
                MessageDigest digest = sha256();
                bytes = copy(body, out, digest);
                actual = HexFormat.of().formatHex(digest.digest());
            }
            if (!actual.equalsIgnoreCase(sha256)) {
                throw failure(uri, "SHA-256 mismatch: expected " + sha256 + ", got " + actual + " (" + bytes
                        + " bytes); nothing was saved");
            }
            move(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new DatasetException("cannot download " + uri + ": " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(uri, "interrupted");
        } finally {
            if (temp != null) {
                delete(temp);
            }
        }
    }

    /** Why a download failed, in a few words, naming the exception class that told us. */
    static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Java 17's HttpClient reports an unknown host as ConnectException caused by
            // UnresolvedAddressException; it is named by the familiar UnknownHostException here.
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "no network (UnknownHostException)";
            }
            if (t instanceof NoRouteToHostException) {
                return "no network (NoRouteToHostException)";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "no network (HttpConnectTimeoutException: no connection within the timeout)";
            }
            if (t instanceof HttpTimeoutException) {
                return "no response within the timeout (HttpTimeoutException)";
            }
            if (t instanceof StallGuard.StalledException) {
                return "download stalled (" + t.getMessage() + ")";
            }
        }
        if (e instanceof ConnectException) {
            return "cannot connect (" + DatasetException.describe(e) + ")";
        }
        return DatasetException.describe(e);
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            digest.update(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** Whether {@code file} exists and has SHA-256 {@code sha256}. */
    static boolean hasChecksum(Path file, String sha256) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            copy(in, OutputStream.nullOutputStream(), digest);
        } catch (IOException e) {
            return false; // unreadable counts as absent: it is downloaded again
        }
        return HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(sha256);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static DatasetException failure(URI uri, String problem) {
        return new DatasetException("cannot download " + uri + ": " + problem);
    }

    private static void createFolder(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw DatasetException.inFile(folder, "cannot create folder (" + DatasetException.describe(e) + ")", e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Best effort: the failure being reported matters more than a leftover temporary file.
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(DataFetcher::delete);
        } catch (IOException e) {
            // Best effort, as in delete().
        }
    }
}
