package dev.mqat.geometry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PnpSolverTest {

    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(572.4, 573.6, 325.3, 242.0, 640, 480);

    /** A uniformly random rotation (from a random unit quaternion), row-major. */
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

    /** A random pose with the object in front of the camera, inside the image. */
    static Pose randomPose(Random rnd, double depthMm) {
        double x = (rnd.nextDouble() - 0.5) * 0.4 * depthMm;
        double y = (rnd.nextDouble() - 0.5) * 0.3 * depthMm;
        return new Pose(randomRotation(rnd), new double[] {x, y, depthMm});
    }

    static double[][] randomObjectPoints(Random rnd, int n, double radiusMm) {
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = new double[] {
                (rnd.nextDouble() * 2 - 1) * radiusMm, (rnd.nextDouble() * 2 - 1) * radiusMm,
                (rnd.nextDouble() * 2 - 1) * radiusMm
            };
        }
        return p;
    }

    @Test
    void recoversRandomPosesFromNoisyCorrespondencesWithOutliers() {
        Random rnd = new Random(42);
        PnpSolver solver = new PnpSolver(PnpConfig.defaults());
        double worstRotDeg = 0;
        double worstTransRel = 0;
        for (int trial = 0; trial < 40; trial++) {
            double depth = 300 + rnd.nextDouble() * 1200; // object spans about 75-300 px
            Pose truth = randomPose(rnd, depth);
            int n = 60;
            double[][] obj = randomObjectPoints(rnd, n, 80);
            double[][] img = Projection.project(truth, CAMERA, obj);
            boolean[] outlier = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (i % 5 == 0) { // 20 % gross outliers anywhere in the image
                    outlier[i] = true;
                    img[i] = new double[] {rnd.nextDouble() * 640, rnd.nextDouble() * 480};
                } else {
                    img[i][0] += rnd.nextGaussian() * 0.3;
                    img[i][1] += rnd.nextGaussian() * 0.3;
                }
            }
            Optional<PnpResult> result = solver.solve(obj, img, CAMERA);
            assertThat(result).as("trial %d: pose found", trial).isPresent();
            Pose est = result.get().objectToCamera();
            double rotErr = est.rotationErrorDeg(truth);
            double transRel = est.translationErrorMm(truth) / depth;
            worstRotDeg = Math.max(worstRotDeg, rotErr);
            worstTransRel = Math.max(worstTransRel, transRel);
            assertThat(rotErr).as("trial %d rotation error, deg", trial).isLessThan(0.5);
            assertThat(transRel).as("trial %d translation error / depth", trial).isLessThan(0.01);
            for (int i : result.get().inliers()) {
                assertThat(outlier[i]).as("trial %d: outlier %d reported as inlier", trial, i).isFalse();
            }
            assertThat(result.get().inlierCount()).as("trial %d inliers", trial).isGreaterThanOrEqualTo(45);
            assertThat(result.get().meanInlierErrorPx()).as("trial %d mean inlier error", trial).isLessThan(1.0);
        }
        System.out.printf("PnP worst over 40 trials: rotation %.4f deg, translation %.5f of depth%n", worstRotDeg,
                worstTransRel);
    }

    @Test
    void recoversPosesFromRepeatedBoxCornersAsTheNetworkPredictsThem() {
        // inference pools ~10 cells per object, each predicting the 8 bbox corners: 80 correspondences over 8
        // distinct 3D points; 1 px noise, a quarter of the cells wildly wrong
        Random rnd = new Random(17);
        Mesh box = new Mesh(new float[] {-50, -50, -50, 50, 50, 50}, new int[0], null, null);
        double[][] corners = box.bboxCorners();
        PnpSolver solver = new PnpSolver(PnpConfig.defaults().withRansacThresholdPx(3));
        long start = System.nanoTime();
        int trials = 30;
        for (int trial = 0; trial < trials; trial++) {
            double depth = 400 + rnd.nextDouble() * 1500;
            Pose truth = randomPose(rnd, depth);
            double[][] px = Projection.project(truth, CAMERA, corners);
            double[][] obj = new double[80][];
            double[][] img = new double[80][];
            for (int cell = 0; cell < 10; cell++) {
                boolean wrong = cell % 4 == 3;
                for (int k = 0; k < 8; k++) {
                    obj[cell * 8 + k] = corners[k];
                    img[cell * 8 + k] = wrong
                            ? new double[] {rnd.nextDouble() * 640, rnd.nextDouble() * 480}
                            : new double[] {px[k][0] + rnd.nextGaussian(), px[k][1] + rnd.nextGaussian()};
                }
            }
            PnpResult r = solver.solve(obj, img, CAMERA).orElseThrow();
            assertThat(r.objectToCamera().rotationErrorDeg(truth)).as("trial %d rotation, deg", trial).isLessThan(2.0);
            assertThat(r.objectToCamera().translationErrorMm(truth) / depth).as("trial %d translation / depth", trial)
                    .isLessThan(0.02);
        }
        System.out.printf("PnP on 80 box-corner correspondences: %.1f ms per solve%n",
                (System.nanoTime() - start) / 1e6 / trials);
    }

    @Test
    void exactCorrespondencesGiveTheExactPoseWithAndWithoutRefinement() {
        Random rnd = new Random(5);
        Pose truth = randomPose(rnd, 700);
        double[][] obj = randomObjectPoints(rnd, 12, 60);
        double[][] img = Projection.project(truth, CAMERA, obj);
        for (boolean refine : new boolean[] {false, true}) {
            PnpResult r = new PnpSolver(PnpConfig.defaults().withRefine(refine)).solve(obj, img, CAMERA).orElseThrow();
            assertThat(r.objectToCamera().rotationErrorDeg(truth)).as("refine=%s rotation", refine).isLessThan(1e-5);
            assertThat(r.objectToCamera().translationErrorMm(truth)).as("refine=%s translation", refine).isLessThan(1e-4);
            assertThat(r.inlierCount()).isEqualTo(12);
        }
    }

    @Test
    void sameSeedGivesTheSamePose() {
        Random rnd = new Random(9);
        Pose truth = randomPose(rnd, 900);
        double[][] obj = randomObjectPoints(rnd, 30, 70);
        double[][] img = Projection.project(truth, CAMERA, obj);
        for (int i = 0; i < 30; i++) {
            if (i % 3 == 0) {
                img[i] = new double[] {rnd.nextDouble() * 640, rnd.nextDouble() * 480};
            } else {
                img[i][0] += rnd.nextGaussian();
            }
        }
        PnpSolver solver = new PnpSolver(PnpConfig.defaults().withSeed(77));
        PnpResult a = solver.solve(obj, img, CAMERA).orElseThrow();
        PnpResult b = solver.solve(obj, img, CAMERA).orElseThrow();
        assertThat(a.objectToCamera()).isEqualTo(b.objectToCamera());
        assertThat(a.inliers()).isEqualTo(b.inliers());
    }

    @Test
    void degenerateInputsGiveEmpty() {
        Random rnd = new Random(1);
        PnpSolver solver = new PnpSolver();
        Pose truth = randomPose(rnd, 800);
        double[][] obj = randomObjectPoints(rnd, 10, 50);
        double[][] img = Projection.project(truth, CAMERA, obj);

        assertThat(solver.solve(new double[0][], new double[0][], CAMERA)).as("no points").isEmpty();
        assertThat(solver.solve(java.util.Arrays.copyOf(obj, 3), java.util.Arrays.copyOf(img, 3), CAMERA))
                .as("three points").isEmpty();

        double[][] nanImg = img.clone();
        nanImg[4] = new double[] {Double.NaN, 10};
        assertThat(solver.solve(obj, nanImg, CAMERA)).as("NaN pixel").isEmpty();
        double[][] infObj = obj.clone();
        infObj[2] = new double[] {1, Double.POSITIVE_INFINITY, 0};
        assertThat(solver.solve(infObj, img, CAMERA)).as("infinite object point").isEmpty();

        double[][] line = new double[10][];
        for (int i = 0; i < 10; i++) {
            line[i] = new double[] {10 * i - 45, 2 * (10 * i - 45), -(10 * i - 45)};
        }
        assertThat(solver.solve(line, Projection.project(truth, CAMERA, line), CAMERA)).as("colinear 3D points")
                .isEmpty();

        double[][] same = new double[10][];
        for (int i = 0; i < 10; i++) {
            same[i] = new double[] {3, 4, 5};
        }
        assertThat(solver.solve(same, Projection.project(truth, CAMERA, same), CAMERA)).as("coincident points")
                .isEmpty();

        double[][] three = new double[12][];
        for (int i = 0; i < 12; i++) {
            three[i] = obj[i % 3];
        }
        assertThat(solver.solve(three, Projection.project(truth, CAMERA, three), CAMERA))
                .as("only three distinct 3D points, repeated").isEmpty();

        double[][] imgLine = new double[10][];
        for (int i = 0; i < 10; i++) {
            imgLine[i] = new double[] {100 + 20 * i, 50 + 10 * i};
        }
        assertThat(solver.solve(obj, imgLine, CAMERA)).as("colinear image points").isEmpty();

        double[][] noise = new double[10][];
        for (int i = 0; i < 10; i++) {
            noise[i] = new double[] {rnd.nextDouble() * 640, rnd.nextDouble() * 480};
        }
        Optional<PnpResult> random = solver.solve(obj, noise, CAMERA);
        random.ifPresent(r -> assertThat(r.inlierCount()).as("pure noise: any consensus is small").isLessThan(10));
    }

    @Test
    void configRejectsBadValuesNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PnpConfig.defaults().withRansacThresholdPx(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pnp.ransacThresholdPx")
                .hasMessageContaining("0.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PnpConfig(5, 0, true, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pnp.maxIterations");
    }
}
