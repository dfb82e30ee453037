package dev.mqat.data;

import dev.mqat.geometry.Projection;
import java.util.SplittableRandom;

/**
 * Training windows smaller than the image that still hold every annotated object: the network is fully
 * convolutional, so a step on {@code side x side} windows costs about {@code (side / image side)^2} of a step on
 * whole images while the objects, the only source of positive cells and of pose targets, are all still seen.
 *
 * <p>The window is placed uniformly at random among the integer positions that keep the box of every object's
 * projected 3D bounding-box corners inside it; when no position can (objects larger than the window, or far
 * apart), the window is centred on that box, clamped to the image.
 */
public final class ObjectCrop {

    private ObjectCrop() {}

    /** A random {@code side x side} window of {@code image} around its objects; the image itself if it is no larger. */
    public static InputImage around(InputImage image, int side, SplittableRandom random) {
        int n = image.sizePx();
        if (side >= n) {
            return image;
        }
        double minU = Double.POSITIVE_INFINITY, minV = Double.POSITIVE_INFINITY;
        double maxU = Double.NEGATIVE_INFINITY, maxV = Double.NEGATIVE_INFINITY;
        for (InputImage.InputObject o : image.objects()) {
            for (double[] uv : Projection.project(o.objectToCamera(), image.camera(), o.cornersMm())) {
                if (Double.isFinite(uv[0]) && Double.isFinite(uv[1])) {
                    minU = Math.min(minU, uv[0]);
                    maxU = Math.max(maxU, uv[0]);
                    minV = Math.min(minV, uv[1]);
                    maxV = Math.max(maxV, uv[1]);
                }
            }
        }
        if (minU > maxU) { // nothing projects into view: any window
            return image.cropped(random.nextInt(n - side + 1), random.nextInt(n - side + 1), side);
        }
        return image.cropped(start(minU, maxU, n, side, random), start(minV, maxV, n, side, random), side);
    }

    /** A window start along one axis that keeps {@code [lo, hi]} (clipped to the image) inside the window. */
    static int start(double lo, double hi, int n, int side, SplittableRandom random) {
        double from = Math.max(0, lo);
        double to = Math.min(n - 1, hi);
        int first = Math.max(0, (int) Math.ceil(to) + 1 - side);
        int last = Math.min(n - side, (int) Math.floor(from));
        if (first <= last) {
            return first + random.nextInt(last - first + 1);
        }
        int centred = (int) Math.round((from + to + 1 - side) / 2);
        return Math.max(0, Math.min(n - side, centred));
    }
}
