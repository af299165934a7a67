package io.mixfarm.core.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The standard CIFAR training augmentation (docs/method.md, "Trials"): pad every side with {@code pad} black pixels,
 * crop a random window of the original size, and mirror it left-right with probability 1/2; torchvision's
 * {@code RandomCrop(32, padding=4)} then {@code RandomHorizontalFlip()}.
 *
 * @param pad pixels of padding on each side, {@code >= 0}; the crop's offsets are uniform in {@code 0..2*pad}
 */
public record PadCropFlip(int pad) implements Augmentation {

    /** The paper's (and everyone's) CIFAR padding. */
    public static final int CIFAR_PAD = 4;

    /**
     * One image's draw.
     *
     * @param top  first row of the crop in the padded image, {@code 0..2*pad}
     * @param left first column of the crop in the padded image, {@code 0..2*pad}
     * @param flip whether the crop is mirrored left-right
     */
    public record Draw(int top, int left, boolean flip) {
    }

    public PadCropFlip {
        if (pad < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + pad);
        }
    }

    /** Draws one image's crop and flip: top, then left, then the flip, from {@code random}. */
    public Draw draw(SplittableRandom random) {
        int top = random.nextInt(2 * pad + 1);
        int left = random.nextInt(2 * pad + 1);
        return new Draw(top, left, random.nextBoolean());
    }

    @Override
    public void apply(ImageSet images, int index, SplittableRandom random, byte[] target, int offset) {
        write(images, index, draw(random), target, offset);
    }

    /**
     * Writes image {@code index} cropped and flipped as {@code draw} says: output pixel {@code (y, x)} is the padded
     * image's {@code (y + top, x' + left)} with {@code x' = flip ? width-1-x : x}, i.e. the original's
     * {@code (y + top - pad, x' + left - pad)}, or 0 where that falls in the padding.
     */
    public void write(ImageSet images, int index, Draw draw, byte[] target, int offset) {
        Objects.checkIndex(index, images.count());
        int h = images.height();
        int w = images.width();
        byte[] pixels = images.pixels();
        int image = index * images.imageSize();
        int dy = draw.top() - pad;
        int dx = draw.left() - pad;
        int out = offset;
        for (int c = 0; c < images.channels(); c++) {
            int plane = image + c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                boolean rowInside = sy >= 0 && sy < h;
                for (int x = 0; x < w; x++) {
                    int sx = (draw.flip() ? w - 1 - x : x) + dx;
                    target[out++] = rowInside && sx >= 0 && sx < w ? pixels[plane + sy * w + sx] : 0;
                }
            }
        }
    }
}
