package dev.mqat.data;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Applies {@link AugmentationConfig} to a {@link InputImage}.
 *
 * <p>The warp maps a source pixel p to {@code p' = c + d + s R(theta) (p - c)} with c the principal point. That
 * is exactly what a camera with focal lengths {@code s f}, principal point {@code c + d}, rolled by theta about
 * its optical axis, sees; so the new camera is (s f, c + d) and the new pose is {@code Rz(theta) * pose}.
 * Images are resampled bilinearly, masks by nearest neighbour; pixels from outside the source are black.
 */
public final class Augmenter {
    private final AugmentationConfig config;

    public Augmenter(AugmentationConfig config) {
        this.config = config;
    }

    /** A randomly augmented copy of {@code image}; the image itself when augmentation is off. */
    public InputImage apply(InputImage image, SplittableRandom random) {
        if (!config.enabled()) {
            return image;
        }
        double side = image.sizePx();
        double dx = (random.nextDouble() * 2 - 1) * config.maxShiftFraction() * side;
        double dy = (random.nextDouble() * 2 - 1) * config.maxShiftFraction() * side;
        double logScale = Math.log(config.minScale())
                + random.nextDouble() * (Math.log(config.maxScale()) - Math.log(config.minScale()));
        double scale = Math.exp(logScale);
        double theta = Math.toRadians((random.nextDouble() * 2 - 1) * config.maxRotationDeg());
        return warp(image, dx, dy, scale, theta);
    }

    /** The deterministic warp behind {@link #apply}: shift (px), zoom, roll (radians). */
    public static InputImage warp(InputImage image, double dx, double dy, double scale, double theta) {
        int n = image.sizePx();
        CameraIntrinsics cam = image.camera();
        double cx = cam.cx(), cy = cam.cy();
        double cos = Math.cos(theta), sin = Math.sin(theta);
        byte[] src = image.rgb();
        byte[] dst = new byte[src.length];
        // inverse map: p = c + R(-theta) (q - c - d) / s
        double[] srcX = new double[n * n];
        double[] srcY = new double[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double qx = (x - cx - dx) / scale, qy = (y - cy - dy) / scale;
                srcX[y * n + x] = cx + cos * qx + sin * qy;
                srcY[y * n + x] = cy - sin * qx + cos * qy;
            }
        }
        for (int i = 0; i < n * n; i++) {
            double px = srcX[i], py = srcY[i];
            int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
            double fx = px - x0, fy = py - y0;
            for (int ch = 0; ch < 3; ch++) {
                double v = (1 - fx) * (1 - fy) * at(src, n, x0, y0, ch) + fx * (1 - fy) * at(src, n, x0 + 1, y0, ch)
                        + (1 - fx) * fy * at(src, n, x0, y0 + 1, ch) + fx * fy * at(src, n, x0 + 1, y0 + 1, ch);
                dst[i * 3 + ch] = (byte) Math.min(255, Math.max(0, Math.round(v)));
            }
        }
        CameraIntrinsics newCam = new CameraIntrinsics(cam.fx() * scale, cam.fy() * scale, cx + dx, cy + dy, n, n);
        Pose roll = new Pose(new double[] {cos, -sin, 0, sin, cos, 0, 0, 0, 1}, new double[3]);
        List<InputImage.InputObject> objects = new ArrayList<>();
        for (InputImage.InputObject o : image.objects()) {
            byte[] mask = null;
            if (o.visibleMask() != null) {
                mask = new byte[n * n];
                for (int i = 0; i < n * n; i++) {
                    int x = (int) Math.round(srcX[i]), y = (int) Math.round(srcY[i]);
                    mask[i] = x >= 0 && y >= 0 && x < n && y < n ? o.visibleMask()[y * n + x] : 0;
                }
            }
            objects.add(new InputImage.InputObject(o.classIndex(), roll.compose(o.objectToCamera()), mask,
                    o.cornersMm(), o.diameterMm()));
        }
        return new InputImage(dst, n, newCam, objects);
    }

    private static int at(byte[] rgb, int n, int x, int y, int ch) {
        if (x < 0 || y < 0 || x >= n || y >= n) {
            return 0;
        }
        return rgb[(y * n + x) * 3 + ch] & 0xff;
    }
}
