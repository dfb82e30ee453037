package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.geometry.PnpSolver;
import dev.mqat.geometry.Pose;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.CornerCorrespondences;
import dev.mqat.model.CornerDecoder;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.train.ImageTargets;
import dev.mqat.train.LossConfig;
import dev.mqat.train.ObjectInstance;
import dev.mqat.train.TargetAssigner;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Post-processing on ground-truth-encoded network outputs recovers the ground-truth pose, in any view. */
class PosePredictorTest {

    @Test
    void encodedTruthDecodesToTheTruePose() {
        ModelConfig config = ModelConfig.defaults();
        int px = config.inputSizePx();
        AnchorGrid grid = AnchorGrid.of(config, px, px);
        CameraIntrinsics cam = new CameraIntrinsics(150, 150, 63.5, 63.5, px, px);
        double[][] box = new double[8][];
        for (int i = 0; i < 8; i++) {
            box[i] = new double[] {(i & 4) != 0 ? 72 : -73, (i & 2) != 0 ? 70 : -70, (i & 1) != 0 ? 80 : -81};
        }
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        CornerDecoder decoder = new CornerDecoder(grid, DecoderConfig.defaults());
        PnpSolver pnp = new PnpSolver(PnpConfig.defaults());
        SplittableRandom r = new SplittableRandom(11);
        int solved = 0;
        int pooled = 0;
        for (int trial = 0; trial < 20; trial++) {
            double z = 450 + r.nextDouble() * 3300;
            Pose truth = new Pose(randomRotation(r), new double[] {r.nextDouble(-0.2, 0.2) * z, r.nextDouble(-0.2, 0.2) * z, z});
            boolean[] mask = projectedBoxMask(truth, box, cam, px);
            ObjectInstance object = ObjectInstance.of(0, truth, box, cam, 178, mask);
            ImageTargets targets = assigner.assign(List.of(object), cam, r.split());
            float[] logits = new float[grid.cellCount()];
            for (int cell = 0; cell < logits.length; cell++) {
                logits[cell] = targets.label(cell) > 0 ? 4f : -6f;
            }
            List<CornerCorrespondences> decoded = decoder.decode(logits, targets.offsets(), new double[][][] {box});
            assertThat(decoded).as("detections, trial %d", trial).hasSize(1);
            if (decoded.get(0).size() > 8) {
                pooled++;
            }
            Optional<PosePredictor.Prediction> p = PosePredictor.solve(pnp, decoded.get(0), cam);
            assertThat(p).as("pose, trial %d", trial).isPresent();
            assertThat(p.get().objectToCamera().rotationErrorDeg(truth)).as("rotation error, trial %d", trial).isLessThan(0.1);
            assertThat(p.get().objectToCamera().translationErrorMm(truth)).as("translation error, trial %d", trial)
                    .isLessThan(0.001 * z);
            solved++;
        }
        assertThat(solved).isEqualTo(20);
        assertThat(pooled).as("trials whose pose came from several pooled cells").isGreaterThan(10);
    }

    /**
     * A quarter turn of an image whose principal point is its centre is a roll of the camera about its axis
     * ((X, Y, Z) to (Y, -X, Z)): the truth encoded as the turned view shows it, decoded and unturned, gives the
     * true pose in the unturned image.
     */
    @Test
    void turnedViewUnturnedDecodesToTheTruePose() {
        ModelConfig config = ModelConfig.defaults();
        int px = config.inputSizePx();
        AnchorGrid grid = AnchorGrid.of(config, px, px);
        CameraIntrinsics cam = new CameraIntrinsics(150, 150, (px - 1) / 2.0, (px - 1) / 2.0, px, px);
        double[][] box = new double[8][];
        for (int i = 0; i < 8; i++) {
            box[i] = new double[] {(i & 4) != 0 ? 72 : -73, (i & 2) != 0 ? 70 : -70, (i & 1) != 0 ? 80 : -81};
        }
        Pose roll = new Pose(new double[] {0, 1, 0, -1, 0, 0, 0, 0, 1}, new double[3]);
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        CornerDecoder decoder = new CornerDecoder(grid, DecoderConfig.defaults());
        PnpSolver pnp = new PnpSolver(PnpConfig.defaults());
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 12; trial++) {
            int turns = 1 + trial % 3;
            double z = 450 + r.nextDouble() * 3300;
            Pose truth = new Pose(randomRotation(r), new double[] {r.nextDouble(-0.2, 0.2) * z, r.nextDouble(-0.2, 0.2) * z, z});
            Pose seen = truth;
            for (int t = 0; t < turns; t++) {
                seen = roll.compose(seen);
            }
            ObjectInstance object = ObjectInstance.of(0, seen, box, cam, 178, projectedBoxMask(seen, box, cam, px));
            ImageTargets targets = assigner.assign(List.of(object), cam, r.split());
            float[] logits = new float[grid.cellCount()];
            for (int cell = 0; cell < logits.length; cell++) {
                logits[cell] = targets.label(cell) > 0 ? 4f : -6f;
            }
            CornerCorrespondences decoded = decoder.decode(logits, targets.offsets(), new double[][][] {box}).get(0);
            double[] points = decoded.imagePointsPx();
            QuarterTurns.unturn(points, turns, px);
            Pose found = PosePredictor.solve(pnp, decoded.withImagePoints(points), cam).orElseThrow().objectToCamera();
            assertThat(found.rotationErrorDeg(truth)).as("rotation error, %d turns, trial %d", turns, trial).isLessThan(0.1);
            assertThat(found.translationErrorMm(truth)).as("translation error, trial %d", trial).isLessThan(0.001 * z);
        }
    }

    private static boolean[] projectedBoxMask(Pose pose, double[][] box, CameraIntrinsics cam, int px) {
        double minU = 1e9, minV = 1e9, maxU = -1e9, maxV = -1e9;
        for (double[] c : box) {
            double[] uv = cam.project(pose.apply(c));
            minU = Math.min(minU, uv[0]);
            maxU = Math.max(maxU, uv[0]);
            minV = Math.min(minV, uv[1]);
            maxV = Math.max(maxV, uv[1]);
        }
        boolean[] mask = new boolean[px * px];
        for (int y = 0; y < px; y++) {
            for (int x = 0; x < px; x++) {
                mask[y * px + x] = x >= minU && x <= maxU && y >= minV && y <= maxV;
            }
        }
        return mask;
    }

    private static double[] randomRotation(SplittableRandom r) {
        double[] q = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)
        };
    }
}
