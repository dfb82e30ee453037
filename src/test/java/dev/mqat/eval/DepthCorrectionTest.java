package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DepthCorrectionTest {
    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(150, 150, 63.5, 63.5, 128, 128);
    private static final ModelPoints MODEL = ModelPoints.of(new float[] {-50, 0, 0, 50, 0, 0}, 100);
    private static final double A = 0.02;
    private static final double B = 0.05;

    /** Targets at 450..3800 mm; estimates biased by exactly ln(zp/z) = A + B ln(zp/1 m), optionally with noise. */
    private static void biased(List<EvalTarget> targets, List<PoseEstimate> estimates, int n, double noise, long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            double zTrue = 450 + 3350 * rnd.nextDouble();
            // solve ln zp - B ln(zp/1000) = ln zTrue + A for zp
            double lnZp = (Math.log(zTrue) + A - B * Math.log(1000)) / (1 - B);
            double zPred = Math.exp(lnZp + noise * (rnd.nextDouble() - 0.5));
            PoseKey key = new PoseKey(0, i, 1);
            targets.add(new EvalTarget(key, Pose.identityAt(0.1 * zTrue, -0.05 * zTrue, zTrue), CAMERA, MODEL));
            estimates.add(new PoseEstimate(key, 0.9, Pose.identityAt(0.1 * zPred, -0.05 * zPred, zPred), -1));
        }
    }

    @Test
    void fitRecoversTheBiasLineAndIgnoresFailedDetectionsAndWeakerEstimates() {
        List<EvalTarget> targets = new ArrayList<>();
        List<PoseEstimate> estimates = new ArrayList<>();
        biased(targets, estimates, 300, 0.02, 1);
        // failed detections: twice too far, outside the 1.5 factor, so not part of the fit
        for (int i = 0; i < 30; i++) {
            PoseEstimate e = estimates.get(i);
            estimates.set(i, new PoseEstimate(e.key(), e.score(), Pose.identityAt(0, 0, 2 * e.objectToCamera().t(2)), -1));
        }
        // a weaker second estimate per key far off: the evaluator ignores it, so must the fit
        for (int i = 30; i < 300; i += 3) {
            PoseEstimate e = estimates.get(i);
            estimates.add(new PoseEstimate(e.key(), 0.1, Pose.identityAt(0, 0, 1.3 * e.objectToCamera().t(2)), -1));
        }
        DepthCorrection.Fit fit = DepthCorrection.fit(targets, estimates);
        assertThat(fit.samples()).isEqualTo(270);
        assertThat(fit.correction().logBiasAt1m()).isCloseTo(A, within(2e-3));
        assertThat(fit.correction().logBiasSlope()).isCloseTo(B, within(3e-3));
    }

    @Test
    void fitIsExactOnNoiselessDataAndApplyingItRemovesTheBias() {
        List<EvalTarget> targets = new ArrayList<>();
        List<PoseEstimate> estimates = new ArrayList<>();
        biased(targets, estimates, 50, 0, 2);
        DepthCorrection c = DepthCorrection.fit(targets, estimates).correction();
        assertThat(c.logBiasAt1m()).isCloseTo(A, within(1e-6));
        assertThat(c.logBiasSlope()).isCloseTo(B, within(1e-6));
        for (int i = 0; i < targets.size(); i++) {
            Pose raw = estimates.get(i).objectToCamera();
            Pose fixed = c.apply(raw);
            double[] t = fixed.translationMm();
            double[] truth = targets.get(i).truth().translationMm();
            for (int k = 0; k < 3; k++) {
                assertThat(t[k]).as("translation %d of estimate %d", k, i).isCloseTo(truth[k], within(1e-6 * truth[2]));
            }
            assertThat(fixed.rotation()).isEqualTo(raw.rotation());
        }
    }

    @Test
    void noneLeavesPosesAndTooFewPairsGiveNone() {
        Pose p = Pose.identityAt(10, 20, 1500);
        assertThat(DepthCorrection.NONE.apply(p)).isSameAs(p);
        List<EvalTarget> targets = new ArrayList<>();
        List<PoseEstimate> estimates = new ArrayList<>();
        biased(targets, estimates, DepthCorrection.MIN_SAMPLES - 1, 0, 3);
        DepthCorrection.Fit fit = DepthCorrection.fit(targets, estimates);
        assertThat(fit.correction()).isEqualTo(DepthCorrection.NONE);
        assertThat(fit.samples()).isEqualTo(DepthCorrection.MIN_SAMPLES - 1);
    }

    @Test
    void metadataRoundTripsAndBadValuesNameTheKey() {
        DepthCorrection c = new DepthCorrection(-0.3, 0.045);
        Map<String, String> m = c.toMetadata(812);
        assertThat(m).containsEntry(DepthCorrection.SAMPLES_KEY, "812");
        assertThat(DepthCorrection.fromMetadata(m)).isEqualTo(c);
        assertThat(DepthCorrection.fromMetadata(Map.of("step", "3"))).isEqualTo(DepthCorrection.NONE);
        assertThatThrownBy(() -> DepthCorrection.fromMetadata(Map.of(DepthCorrection.AT_1M_KEY, "0.1",
                DepthCorrection.SLOPE_KEY, "abc"))).hasMessageContaining(DepthCorrection.SLOPE_KEY).hasMessageContaining("abc");
        assertThatThrownBy(() -> DepthCorrection.fromMetadata(Map.of(DepthCorrection.AT_1M_KEY, "0.1")))
                .hasMessageContaining(DepthCorrection.SLOPE_KEY);
    }
}
