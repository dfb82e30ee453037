package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.CornerCorrespondences;
import dev.mqat.model.CornerDecoder;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TargetAssignerTest {

    private final ModelConfig config = ModelConfig.defaults();
    private final AnchorGrid grid = AnchorGrid.of(config, 128, 128);
    private final CameraIntrinsics cam = TrainFixtures.camera(128);

    @Test
    void samplesAboutTenPositivesInsideTheMaskOnLevelsMatchingTheSize() {
        SplittableRandom r = new SplittableRandom(3);
        ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(r, 10, -5, 500), cam);
        double size = AnchorGrid.boxSidePx(obj.cornersPx());
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        ImageTargets t = assigner.assign(List.of(obj), cam, new SplittableRandom(1));
        int[] quota = grid.levelQuota(size, 10, 1.0);
        int[] perLevel = new int[grid.levels()];
        int ignored = 0;
        for (int cell = 0; cell < t.cellCount(); cell++) {
            boolean inMask = obj.visibleAt(grid.maskSamplePixel(cell));
            int label = t.label(cell);
            if (label > 0) {
                assertThat(inMask).as("positive cell %d lies in the mask", cell).isTrue();
                perLevel[grid.levelOf(cell)]++;
                assertThat(t.diametersMm()[cell]).isEqualTo(141.4f);
            } else if (label < 0) {
                assertThat(inMask).as("ignored cell %d lies in the mask", cell).isTrue();
                ignored++;
            } else {
                assertThat(inMask).as("background cell %d lies outside the mask", cell).isFalse();
            }
        }
        for (int l = 0; l < grid.levels(); l++) {
            int candidates = 0;
            for (int c = grid.levelOffset(l); c < grid.levelOffset(l) + grid.levelCells(l); c++) {
                candidates += obj.visibleAt(grid.maskSamplePixel(c)) ? 1 : 0;
            }
            assertThat(perLevel[l]).as("positives on level %d (size %.1f px)", l, size).isEqualTo(Math.min(quota[l], candidates));
        }
        assertThat(t.positiveCount()).isBetween(5, 11);
        assertThat(ignored).isGreaterThan(0);
        // same seed, same targets
        assertThat(assigner.assign(List.of(obj), cam, new SplittableRandom(1))).isEqualTo(t);
    }

    @Test
    void quotaFavoursTheLevelWhoseAnchorMatches() {
        assertThat(grid.levelQuota(16, 10, 1.0)).containsExactly(7, 3, 0);
        assertThat(grid.levelQuota(64, 10, 1.0)).containsExactly(0, 3, 7);
        assertThat(grid.levelQuota(32, 10, 1.0)).containsExactly(2, 6, 2);
        assertThat(grid.bestLevel(40)).isEqualTo(1);
    }

    @Test
    void tinyObjectStillGetsTheCentroidCell() {
        boolean[] mask = new boolean[128 * 128];
        mask[61 * 128 + 70] = true; // a single pixel that no sample point hits
        double[] uv = new double[16];
        for (int k = 0; k < 8; k++) {
            uv[2 * k] = 68 + (k & 1) * 4;
            uv[2 * k + 1] = 59 + ((k >> 1) & 1) * 4;
        }
        ObjectInstance obj = new ObjectInstance(0, uv, new double[24], 100, mask);
        ImageTargets t = new TargetAssigner(grid, LossConfig.defaults()).assign(List.of(obj), cam, new SplittableRandom(2));
        assertThat(t.positiveCount()).isEqualTo(1);
        int cell = grid.cellAt(0, 70, 61);
        assertThat(t.label(cell)).isEqualTo(1);
    }

    @Test
    void encodedGroundTruthDecodesToTheExactCorners() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 5; trial++) {
            ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(r, r.nextDouble(-80, 80), r.nextDouble(-80, 80),
                    r.nextDouble(350, 1500)), cam);
            ImageTargets t = new TargetAssigner(grid, LossConfig.defaults()).assign(List.of(obj), cam, new SplittableRandom(trial));
            int a = grid.cellCount();
            float[] logits = new float[a];
            float[] offsets = t.offsets();
            for (int cell = 0; cell < a; cell++) {
                logits[cell] = t.label(cell) > 0 ? 4f : -4f;
            }
            List<CornerCorrespondences> found = new CornerDecoder(grid, DecoderConfig.defaults())
                    .decode(logits, offsets, new double[][][] {TrainFixtures.BOX});
            assertThat(found).hasSize(1);
            CornerCorrespondences cc = found.get(0);
            assertThat(cc.classIndex()).isZero();
            assertThat(cc.confidence()).isCloseTo(1 / (1 + Math.exp(-4)), within(1e-9));
            assertThat(cc.cells().length).as("pooled cells").isBetween(1, t.positiveCount());
            double[] expected = obj.cornersPx();
            double[] img = cc.imagePointsPx();
            double[] objPts = cc.objectPointsMm();
            for (int i = 0; i < cc.size(); i++) {
                int k = i % 8;
                assertThat(img[2 * i]).as("u of corner %d", k).isCloseTo(expected[2 * k], within(1e-3));
                assertThat(img[2 * i + 1]).as("v of corner %d", k).isCloseTo(expected[2 * k + 1], within(1e-3));
                assertThat(new double[] {objPts[3 * i], objPts[3 * i + 1], objPts[3 * i + 2]}).containsExactly(TrainFixtures.BOX[k]);
            }
        }
    }

    @Test
    void encodeDecodeAndPnpRecoverTheGroundTruthPose() {
        SplittableRandom r = new SplittableRandom(12);
        dev.mqat.geometry.PnpSolver pnp = new dev.mqat.geometry.PnpSolver();
        for (int trial = 0; trial < 5; trial++) {
            dev.mqat.geometry.Pose truth = TrainFixtures.randomPose(r, r.nextDouble(-100, 100), r.nextDouble(-100, 100),
                    r.nextDouble(400, 2000));
            ObjectInstance obj = TrainFixtures.object(truth, cam);
            ImageTargets t = new TargetAssigner(grid, LossConfig.defaults()).assign(List.of(obj), cam, r.split());
            float[] logits = new float[grid.cellCount()];
            for (int cell = 0; cell < logits.length; cell++) {
                logits[cell] = t.label(cell) > 0 ? 3f : -6f;
            }
            CornerCorrespondences cc = new CornerDecoder(grid, DecoderConfig.defaults())
                    .decode(logits, t.offsets(), new double[][][] {TrainFixtures.BOX}).get(0);
            // every pooled cell decodes to the same 8 corners (checked above); PnP gets one copy of them, because
            // geometry's PnpSolver currently returns empty when RANSAC draws repeated points (BoofCV's EPnP throws)
            var res = pnp.solve(Arrays.copyOf(cc.objectPointRows(), 8), Arrays.copyOf(cc.imagePointRows(), 8), cam);
            dev.mqat.geometry.Pose found = res.orElseThrow().objectToCamera();
            assertThat(found.rotationErrorDeg(truth)).as("rotation error, trial %d", trial).isLessThan(0.01);
            assertThat(found.translationErrorMm(truth)).as("translation error, trial %d", trial).isLessThan(0.1);
        }
    }

    @Test
    void decoderReportsNothingBelowTheThreshold() {
        int a = grid.cellCount();
        float[] logits = new float[a];
        Arrays.fill(logits, -2f); // p = 0.12 < 0.3
        assertThat(new CornerDecoder(grid, DecoderConfig.defaults()).decode(logits, new float[16 * a],
                new double[][][] {TrainFixtures.BOX})).isEmpty();
    }
}
