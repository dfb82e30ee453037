package dev.mqat.data;

import java.util.Comparator;
import java.util.Objects;

/**
 * Names one image of a dataset: split, scene id and image id (BOP {@code scene_id}, {@code im_id}).
 *
 * @param split mqat split name ({@code train}, {@code val}, {@code test}, or a BOP split folder name such as
 *     {@code test_primesense})
 * @param sceneId scene id (the 6-digit scene folder name)
 * @param imageId image id (the 6-digit rgb file name; JSON keys {@code "12"} and {@code "000012"} alike)
 */
public record ImageKey(String split, int sceneId, int imageId) implements Comparable<ImageKey> {

    private static final Comparator<ImageKey> ORDER = Comparator.comparing(ImageKey::split)
            .thenComparingInt(ImageKey::sceneId).thenComparingInt(ImageKey::imageId);

    public ImageKey {
        Objects.requireNonNull(split, "split");
        if (sceneId < 0 || imageId < 0) {
            throw new IllegalArgumentException("scene and image ids must be non-negative, found scene " + sceneId
                    + " image " + imageId);
        }
    }

    /** Parses an image id written as {@code "12"} or {@code "000012"} (also a file name such as {@code 000012.png}). */
    public static int parseImageId(String text) {
        String s = text.strip();
        int dot = s.indexOf('.');
        if (dot >= 0) {
            s = s.substring(0, dot);
        }
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("image id \"" + text + "\" is not a non-negative integer");
        }
        return Integer.parseInt(s);
    }

    /** The BOP path of the rgb image relative to the dataset root, e.g. {@code train/000000/rgb/000012.png}. */
    public String rgbRelativePath() {
        return BopLayout.sceneFolderName(split, sceneId) + "/rgb/" + BopLayout.sixDigits(imageId) + ".png";
    }

    @Override
    public int compareTo(ImageKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return split + "/" + BopLayout.sixDigits(sceneId) + "/" + BopLayout.sixDigits(imageId);
    }
}
