package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoseLossTest {

    /** Targets with cell 0 positive (class 0) and cell 1 ignored on a 64 px grid; the rest background. */
    private static ImageTargets handTargets(AnchorGrid grid, CameraIntrinsics cam, double[] cornersPx, double[] cornersCam) {
        int a = grid.cellCount();
        int[] labels = new int[a];
        labels[0] = 1;
        labels[1] = -1;
        float[] offsets = new float[16 * a];
        System.arraycopy(grid.encodeCorners(0, cornersPx), 0, offsets, 0, 16);
        float[] corners = new float[24 * a];
        for (int i = 0; i < 24; i++) {
            corners[i] = (float) cornersCam[i];
        }
        float[] d = new float[a];
        d[0] = 200;
        return new ImageTargets(labels, offsets, corners, d, cam);
    }

    @Test
    void focalLossMatchesHandComputationAtZeroLogits() {
        AnchorGrid grid = AnchorGrid.of(ModelConfig.defaults(), 64, 64);
        CameraIntrinsics cam = TrainFixtures.camera(64);
        int a = grid.cellCount();
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets t = handTargets(grid, cam, new double[16], new double[24]);
            NDArray logits = m.zeros(new Shape(1, a, 1));
            NDArray pose = m.zeros(new Shape(1, a, 16));
            LossParts parts = new PoseLoss(grid, LossConfig.defaults()).compute(new NDList(logits, pose), List.of(t));
            // p = 0.5 everywhere: positive 0.25 * 0.25 * ln 2; each of the (a - 2) background cells 0.75 * 0.25 * ln 2
            double expected = 0.25 * 0.25 * Math.log(2) + (a - 2) * 0.75 * 0.25 * Math.log(2);
            assertThat((double) parts.classification().getFloat()).isCloseTo(expected, within(1e-4));
            assertThat(parts.positives()).isEqualTo(1);
        }
    }

    @Test
    void objectSpaceLossIsZeroForTheTruthAndGrowsWithTheError() {
        AnchorGrid grid = AnchorGrid.of(ModelConfig.defaults(), 64, 64);
        CameraIntrinsics cam = TrainFixtures.camera(64);
        ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(new SplittableRandom(4), -150, -150, 900), cam);
        ImageTargets t = handTargets(grid, cam, obj.cornersPx(), obj.cornersCameraMm());
        int a = grid.cellCount();
        PoseLoss loss = new PoseLoss(grid, LossConfig.defaults());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(1, a, 1));
            float[] exact = t.offsets();
            float reg0 = loss.compute(new NDList(logits, m.create(exact, new Shape(1, a, 16))), List.of(t)).regression().getFloat();
            assertThat(reg0).as("GT corners lie on their own viewing rays").isCloseTo(0f, within(1e-6f));
            float[] shifted = exact.clone();
            double anchor = grid.anchorSizePx(0);
            shifted[3] += (float) (1.0 / anchor); // corner 3 moved 1 px right
            float reg1 = loss.compute(new NDList(logits, m.create(shifted, new Shape(1, a, 16))), List.of(t)).regression().getFloat();
            // 1 px at depth z is about z / f mm off the ray: far above the 0.02-diameter knee, so the loss is ~ linear
            double zMm = obj.cornersCameraMm()[3 * 3 + 2];
            double offRay = zMm / cam.fx() / 200;
            assertThat((double) reg1).as("1 px error").isGreaterThan(0).isLessThan(2 * offRay);
            shifted[3] += (float) (4.0 / anchor);
            float reg5 = loss.compute(new NDList(logits, m.create(shifted, new Shape(1, a, 16))), List.of(t)).regression().getFloat();
            assertThat(reg5).as("5 px error").isGreaterThan(reg1 * 3);
        }
    }

    @Test
    void objectSpaceLossOfManyPositivesMatchesAPlainComputation() {
        AnchorGrid grid = AnchorGrid.of(ModelConfig.defaults(), 64, 64);
        int a = grid.cellCount();
        int classes = 2;
        SplittableRandom r = new SplittableRandom(11);
        CameraIntrinsics[] cams = {TrainFixtures.camera(64), new CameraIntrinsics(80, 70, 30, 33, 64, 64)};
        List<ImageTargets> targets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int[] labels = new int[a];
            float[] corners = new float[24 * a];
            float[] d = new float[a];
            for (int cell = 0; cell < a; cell++) {
                if (r.nextInt(4) == 0) {
                    labels[cell] = 1 + r.nextInt(classes);
                    d[cell] = 150 + r.nextInt(100);
                    for (int k = 0; k < 24; k++) {
                        corners[24 * cell + k] = (float) (k % 3 == 2 ? 500 + r.nextDouble() * 2000 : r.nextDouble() * 600 - 300);
                    }
                } else if (r.nextInt(4) == 0) {
                    labels[cell] = -1;
                }
            }
            targets.add(new ImageTargets(labels, new float[16 * a], corners, d, cams[i]));
        }
        float[] pose = new float[2 * a * 16 * classes];
        for (int k = 0; k < pose.length; k++) {
            pose[k] = (float) (r.nextDouble() * 2 - 1);
        }
        double beta = LossConfig.defaults().smoothL1BetaDiameters();
        float[] cx = grid.centersXPx(), cy = grid.centersYPx(), anchors = grid.anchorSizesPerCellPx();
        double sum = 0;
        int positives = 0;
        for (int i = 0; i < 2; i++) {
            ImageTargets t = targets.get(i);
            float[] x = t.cornersCameraMm();
            for (int cell = 0; cell < a; cell++) {
                int label = t.label(cell);
                if (label <= 0) {
                    continue;
                }
                positives++;
                int base = (i * a + cell) * 16 * classes + 16 * (label - 1);
                for (int k = 0; k < 8; k++) {
                    double u = pose[base + k] * anchors[cell] + cx[cell];
                    double v = pose[base + 8 + k] * anchors[cell] + cy[cell];
                    double[] b = {(u - cams[i].cx()) / cams[i].fx(), (v - cams[i].cy()) / cams[i].fy(), 1};
                    double[] p = {x[24 * cell + 3 * k], x[24 * cell + 3 * k + 1], x[24 * cell + 3 * k + 2]};
                    double s = (b[0] * p[0] + b[1] * p[1] + p[2]) / (b[0] * b[0] + b[1] * b[1] + 1);
                    for (int j = 0; j < 3; j++) {
                        double e = Math.abs(s * b[j] - p[j]) / t.diameterMm(cell);
                        sum += e < beta ? 0.5 * e * e / beta : e - beta / 2;
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LossParts parts = new PoseLoss(grid, LossConfig.defaults()).compute(
                    new NDList(m.zeros(new Shape(2, a, classes)), m.create(pose, new Shape(2, a, 16 * classes))), targets);
            assertThat(parts.positives()).isEqualTo(positives).isGreaterThan(20);
            assertThat((double) parts.regression().getFloat()).isCloseTo(sum / positives, within(1e-4 * sum / positives));
        }
    }

    @Test
    void smoothL1HasItsKneeAtBeta() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = PoseLoss.smoothL1(m.create(new float[] {0f, 0.01f, -0.02f, 0.5f}), 0.02f).toFloatArray();
            assertThat(y[0]).isEqualTo(0f);
            assertThat(y[1]).isCloseTo(0.5f * 0.0001f / 0.02f, within(1e-7f));
            assertThat(y[2]).isCloseTo(0.01f, within(1e-7f));
            assertThat(y[3]).isCloseTo(0.49f, within(1e-6f));
        }
    }

    @Test
    void lossFallsOnAFixedBatchOverThirtyAdamSteps() {
        Engine.getInstance().setRandomSeed(21);
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64);
        CameraIntrinsics cam = TrainFixtures.camera(64);
        AnchorGrid grid = AnchorGrid.of(config, 64, 64);
        SplittableRandom r = new SplittableRandom(5);
        int batch = 4;
        List<ImageTargets> targets = new ArrayList<>();
        float[] pixels = new float[batch * 3 * 64 * 64];
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        for (int i = 0; i < batch; i++) {
            ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(r, r.nextDouble(-60, 60), r.nextDouble(-60, 60),
                    r.nextDouble(500, 900)), cam);
            targets.add(assigner.assign(List.of(obj), cam, r.split()));
            for (int ch = 0; ch < 3; ch++) {
                for (int p = 0; p < 64 * 64; p++) {
                    pixels[((i * 3 + ch) * 64 * 64) + p] = (float) (0.2 * r.nextGaussian() + (obj.visibleAt(p) ? 1.0 + 0.3 * ch : -0.5));
                }
            }
        }
        PoseLoss loss = new PoseLoss(grid, LossConfig.defaults());
        try (Model model = Model.newInstance("loss-test")) {
            PoseNet net = PoseNet.build(config);
            model.setBlock(net);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(batch, 3, 64, 64));
                NDArray x = model.getNDManager().create(pixels, new Shape(batch, 3, 64, 64));
                float first = 0;
                float last = 0;
                float firstReg = 0;
                float lastReg = 0;
                int arraysAfterWarmup = 0;
                for (int step = 0; step < 30; step++) {
                    try (NDScope scope = new NDScope(); GradientCollector gc = trainer.newGradientCollector()) {
                        NDList out = trainer.forward(new NDList(x));
                        LossParts parts = loss.compute(out, targets);
                        gc.backward(parts.total());
                        last = parts.total().getFloat();
                        lastReg = parts.regression().getFloat();
                        if (step == 0) {
                            first = last;
                            firstReg = lastReg;
                        }
                    }
                    trainer.step();
                    if (step == 1) {
                        arraysAfterWarmup = model.getNDManager().getManagedArrays().size();
                    }
                }
                assertThat(model.getNDManager().getManagedArrays().size())
                        .as("arrays held by the model manager after 30 steps vs after the warm-up steps: no per-step leak")
                        .isEqualTo(arraysAfterWarmup);
                assertThat(last).as("total loss after 30 steps vs first (%f)", first).isLessThan(0.5f * first);
                assertThat(lastReg).as("object-space loss after 30 steps vs first (%f)", firstReg).isLessThan(firstReg);
                assertThat(Float.isFinite(last)).isTrue();
            }
        }
    }
}
