package dev.mqat.train;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.SplittableRandom;

/** Synthetic objects for target and loss tests: a box seen by a pinhole camera, its mask the corners' bounding box. */
final class TrainFixtures {

    /** Box corners of a 100 x 80 x 60 mm box in the order of Mesh.bboxCorners(). */
    static final double[][] BOX = corners(new double[] {-50, -40, -30}, new double[] {50, 40, 30});

    private TrainFixtures() {}

    static double[][] corners(double[] lo, double[] hi) {
        double[][] c = new double[8][];
        for (int i = 0; i < 8; i++) {
            c[i] = new double[] {(i & 4) != 0 ? hi[0] : lo[0], (i & 2) != 0 ? hi[1] : lo[1], (i & 1) != 0 ? hi[2] : lo[2]};
        }
        return c;
    }

    static CameraIntrinsics camera(int sizePx) {
        double f = 150.0 * sizePx / 128;
        return new CameraIntrinsics(f, f, (sizePx - 1) / 2.0, (sizePx - 1) / 2.0, sizePx, sizePx);
    }

    /** A random rotation (unit quaternion) at the given translation. */
    static Pose randomPose(SplittableRandom r, double x, double y, double z) {
        double q0 = r.nextGaussian(), q1 = r.nextGaussian(), q2 = r.nextGaussian(), q3 = r.nextGaussian();
        double n = Math.sqrt(q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3);
        double w = q0 / n, a = q1 / n, b = q2 / n, c = q3 / n;
        double[] rot = {
            1 - 2 * (b * b + c * c), 2 * (a * b - c * w), 2 * (a * c + b * w),
            2 * (a * b + c * w), 1 - 2 * (a * a + c * c), 2 * (b * c - a * w),
            2 * (a * c - b * w), 2 * (b * c + a * w), 1 - 2 * (a * a + b * b)};
        return new Pose(rot, new double[] {x, y, z});
    }

    /** The object's mask: the bounding box of its projected corners, clipped to the image. */
    static ObjectInstance object(Pose pose, CameraIntrinsics cam) {
        ObjectInstance proto = ObjectInstance.of(0, pose, BOX, cam, 141.4, new boolean[cam.width() * cam.height()]);
        double[] uv = proto.cornersPx();
        double minU = 1e9, maxU = -1e9, minV = 1e9, maxV = -1e9;
        for (int k = 0; k < 8; k++) {
            minU = Math.min(minU, uv[2 * k]);
            maxU = Math.max(maxU, uv[2 * k]);
            minV = Math.min(minV, uv[2 * k + 1]);
            maxV = Math.max(maxV, uv[2 * k + 1]);
        }
        boolean[] mask = new boolean[cam.width() * cam.height()];
        for (int y = 0; y < cam.height(); y++) {
            for (int x = 0; x < cam.width(); x++) {
                mask[y * cam.width() + x] = x >= minU && x <= maxU && y >= minV && y <= maxV;
            }
        }
        return ObjectInstance.of(0, pose, BOX, cam, 141.4, mask);
    }
}
