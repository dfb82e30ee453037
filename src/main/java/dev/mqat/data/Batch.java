package dev.mqat.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One training batch, built on the Java side and turned into tensors by the trainer.
 *
 * @param step global step index (0-based) this batch is for
 * @param epoch epoch the batch belongs to
 * @param pixels normalised input, {@code [N, 3, S, S]} row-major (see {@link BatchLoader#normalize}); null until
 *     {@link #cropped} cuts and normalises the images
 * @param images the (augmented) images with their annotations, in batch order
 */
public record Batch(long step, int epoch, float[] pixels, List<InputImage> images) {
    public Batch {
        images = List.copyOf(images);
    }

    public int size() {
        return images.size();
    }

    public int sizePx() {
        return images.get(0).sizePx();
    }

    /**
     * This batch with every image cut to a {@code side x side} window around its objects ({@link ObjectCrop}), or
     * with whole images for side 0, and its input normalised.
     */
    public Batch cropped(int side, SplittableRandom random) {
        List<InputImage> windows = new ArrayList<>(images.size());
        for (InputImage image : images) {
            windows.add(side > 0 ? ObjectCrop.around(image, side, random) : image);
        }
        return new Batch(step, epoch, BatchLoader.normalize(windows), windows);
    }
}
