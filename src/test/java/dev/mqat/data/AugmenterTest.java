package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    /** A bright 3x3 blob at the projection of a 3D point must land at the projection under the new camera and pose. */
    @Test
    void warpKeepsAnnotationExact() {
        int n = 96;
        CameraIntrinsics cam = new CameraIntrinsics(110, 110, 47.5, 47.5, n, n);
        Pose pose = new Pose(rotation(0.3, -0.7, 1.1), new double[] {20, -15, 900});
        double[] point = {30, 10, -20};
        double[] uv = cam.project(pose.apply(point));
        byte[] rgb = new byte[n * n * 3];
        byte[] mask = new byte[n * n];
        int u0 = (int) Math.round(uv[0]), v0 = (int) Math.round(uv[1]);
        for (int y = v0 - 1; y <= v0 + 1; y++) {
            for (int x = u0 - 1; x <= u0 + 1; x++) {
                mask[y * n + x] = 1;
                for (int c = 0; c < 3; c++) {
                    rgb[(y * n + x) * 3 + c] = (byte) 255;
                }
            }
        }
        double[][] corners = new double[8][3];
        InputImage image = new InputImage(rgb, n, cam,
                List.of(new InputImage.InputObject(0, pose, mask, corners, 100)));
        double[][] params = {{4, -6, 1.2, 0.7}, {-9, 3, 0.85, -2.5}, {0, 0, 1.0, 3.0}};
        for (double[] q : params) {
            double dx = q[0], dy = q[1], s = q[2], theta = q[3];
            InputImage out = Augmenter.warp(image, dx, dy, s, theta);
            InputImage.InputObject o = out.objects().get(0);
            // the new camera and pose project the 3D point exactly where the warp sends its old projection
            double[] moved = forward(uv, cam, dx, dy, s, theta);
            double[] projected = out.camera().project(o.objectToCamera().apply(point));
            assertThat(projected[0]).as("u, warp %s", java.util.Arrays.toString(q)).isCloseTo(moved[0], within(1e-9));
            assertThat(projected[1]).as("v, warp %s", java.util.Arrays.toString(q)).isCloseTo(moved[1], within(1e-9));
            // and the pixels went there too
            double[] blob = forward(new double[] {u0, v0}, cam, dx, dy, s, theta);
            double[] maskCentre = centroid(o.visibleMask(), n);
            double[] imageCentre = brightCentroid(out.rgb(), n);
            assertThat(Math.hypot(maskCentre[0] - blob[0], maskCentre[1] - blob[1])).as("mask blob").isLessThan(0.6);
            assertThat(Math.hypot(imageCentre[0] - blob[0], imageCentre[1] - blob[1])).as("image blob").isLessThan(0.3);
        }
    }

    private static double[] forward(double[] p, CameraIntrinsics cam, double dx, double dy, double s, double theta) {
        double x = p[0] - cam.cx(), y = p[1] - cam.cy();
        return new double[] {cam.cx() + dx + s * (Math.cos(theta) * x - Math.sin(theta) * y),
            cam.cy() + dy + s * (Math.sin(theta) * x + Math.cos(theta) * y)};
    }

    @Test
    void disabledReturnsTheSameImage() {
        InputImage image = new InputImage(new byte[8 * 8 * 3], 8, new CameraIntrinsics(10, 10, 4, 4, 8, 8), List.of());
        assertThat(new Augmenter(AugmentationConfig.none()).apply(image, new SplittableRandom(1))).isSameAs(image);
    }

    private static double[] centroid(byte[] mask, int n) {
        double sx = 0, sy = 0, c = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                sx += i % n;
                sy += i / n;
                c++;
            }
        }
        return new double[] {sx / c, sy / c};
    }

    private static double[] brightCentroid(byte[] rgb, int n) {
        double sx = 0, sy = 0, c = 0;
        for (int i = 0; i < n * n; i++) {
            double v = rgb[i * 3] & 0xff;
            sx += v * (i % n);
            sy += v * (i / n);
            c += v;
        }
        return new double[] {sx / c, sy / c};
    }

    static double[] rotation(double ax, double ay, double az) {
        double[] rx = {1, 0, 0, 0, Math.cos(ax), -Math.sin(ax), 0, Math.sin(ax), Math.cos(ax)};
        double[] ry = {Math.cos(ay), 0, Math.sin(ay), 0, 1, 0, -Math.sin(ay), 0, Math.cos(ay)};
        double[] rz = {Math.cos(az), -Math.sin(az), 0, Math.sin(az), Math.cos(az), 0, 0, 0, 1};
        Pose p = new Pose(rz, new double[3]).compose(new Pose(ry, new double[3])).compose(new Pose(rx, new double[3]));
        return p.rotation();
    }
}
