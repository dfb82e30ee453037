package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PoseErrorsTest {

    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(100, 200, 320, 240, 640, 480);

    static double[] rotationZ(double deg) {
        double c = Math.cos(Math.toRadians(deg));
        double s = Math.sin(Math.toRadians(deg));
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    static double[] randomRotation(Random rnd) {
        double w = rnd.nextGaussian(), x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)
        };
    }

    static float[] randomPoints(Random rnd, int n, double radius) {
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) ((rnd.nextDouble() * 2 - 1) * radius);
        }
        return p;
    }

    @Test
    void handComputedTranslationCase() {
        // points (0,0,0) and (10,0,0); the estimate shifts them by +10 mm along x
        ModelPoints model = ModelPoints.of(new float[] {0, 0, 0, 10, 0, 0}, 10);
        Pose truth = Pose.identityAt(0, 0, 1000);
        Pose estimate = Pose.identityAt(10, 0, 1000);
        assertThat(PoseErrors.add(estimate, truth, model)).as("ADD").isCloseTo(10, within(1e-12));
        // truth point 0 -> nearest estimated point is (10,0,0) at 10 mm; truth point 1 coincides with it
        assertThat(PoseErrors.adi(estimate, truth, model)).as("ADI").isCloseTo(5, within(1e-12));
        assertThat(PoseErrors.translationErrorMm(estimate, truth)).isCloseTo(10, within(1e-12));
        assertThat(PoseErrors.rotationErrorDeg(estimate, truth)).isCloseTo(0, within(1e-12));
        // each point shifts by fx * 10 / 1000 = 1 px horizontally
        assertThat(PoseErrors.projectionErrorPx(estimate, truth, model, CAMERA)).as("2D projection")
                .isCloseTo(1, within(1e-12));
    }

    @Test
    void handComputedSymmetricFlip() {
        // a 180 deg turn about z swaps (10,0,0) and (-10,0,0): ADD 20 mm, ADI 0
        ModelPoints model = ModelPoints.of(new float[] {10, 0, 0, -10, 0, 0}, 20);
        Pose truth = Pose.identityAt(0, 0, 500);
        Pose estimate = new Pose(rotationZ(180), new double[] {0, 0, 500});
        assertThat(PoseErrors.add(estimate, truth, model)).isCloseTo(20, within(1e-9));
        assertThat(PoseErrors.adi(estimate, truth, model)).isCloseTo(0, within(1e-9));
        assertThat(PoseErrors.rotationErrorDeg(estimate, truth)).isCloseTo(180, within(1e-9));
        // projections: (10,0,500) -> u = 320 + 2, (-10,0,500) -> u = 320 - 2; swapped: 4 px each
        assertThat(PoseErrors.projectionErrorPx(estimate, truth, model, CAMERA)).isCloseTo(4, within(1e-9));
    }

    @Test
    void handComputedThreePointAdi() {
        // points on the x axis at 0, 1, 3; the estimate shifts by +1: estimated points at 1, 2, 4
        ModelPoints model = ModelPoints.of(new float[] {0, 0, 0, 1, 0, 0, 3, 0, 0}, 3);
        Pose truth = Pose.identityAt(0, 0, 100);
        Pose estimate = Pose.identityAt(1, 0, 100);
        assertThat(PoseErrors.add(estimate, truth, model)).isCloseTo(1, within(1e-12));
        // truth 0 -> 1 (1), truth 1 -> 1 (0), truth 3 -> 2 or 4 (1): mean 2/3
        assertThat(PoseErrors.adi(estimate, truth, model)).isCloseTo(2.0 / 3.0, within(1e-12));
    }

    @Test
    void identicalPosesGiveZero() {
        Random rnd = new Random(11);
        ModelPoints model = ModelPoints.of(randomPoints(rnd, 300, 50), 170);
        Pose pose = new Pose(randomRotation(rnd), new double[] {20, -30, 800});
        assertThat(PoseErrors.add(pose, pose, model)).isZero();
        assertThat(PoseErrors.adi(pose, pose, model)).isCloseTo(0, within(1e-9));
        assertThat(PoseErrors.projectionErrorPx(pose, pose, model, CAMERA)).isZero();
        assertThat(PoseErrors.rotationErrorDeg(pose, pose)).isCloseTo(0, within(1e-5));
        assertThat(PoseErrors.translationErrorMm(pose, pose)).isZero();
    }

    @Test
    void adiNeverExceedsAddAndMatchesBruteForce() {
        Random rnd = new Random(2024);
        for (int trial = 0; trial < 30; trial++) {
            float[] pts = randomPoints(rnd, 200 + rnd.nextInt(300), 40 + rnd.nextInt(60));
            ModelPoints model = ModelPoints.of(pts, 200);
            Pose truth = new Pose(randomRotation(rnd), new double[] {rnd.nextGaussian() * 50, 0, 600});
            Pose estimate = trial % 3 == 0
                    ? new Pose(randomRotation(rnd), new double[] {rnd.nextGaussian() * 50, 10, 650})
                    : truth.compose(new Pose(rotationZ(rnd.nextGaussian() * 10), new double[] {rnd.nextGaussian() * 5, 0, 0}));
            double add = PoseErrors.add(estimate, truth, model);
            double adi = PoseErrors.adi(estimate, truth, model);
            double brute = PoseErrors.adiBruteForce(estimate, truth, pts);
            assertThat(adi).as("trial %d: KD-tree ADI vs brute force", trial).isCloseTo(brute, within(1e-9));
            assertThat(adi).as("trial %d: ADI <= ADD", trial).isLessThanOrEqualTo(add + 1e-12);
        }
    }

    @Test
    void pointsBehindTheCameraMakeTheProjectionErrorInfinite() {
        ModelPoints model = ModelPoints.of(new float[] {0, 0, 0, 0, 0, 50}, 50);
        Pose truth = Pose.identityAt(0, 0, 100);
        Pose behind = Pose.identityAt(0, 0, -10);
        assertThat(PoseErrors.projectionErrorPx(behind, truth, model, CAMERA)).isInfinite();
    }
}
