package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoseEvaluatorTest {

    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(500, 500, 320, 240, 640, 480);
    /** Two points 100 mm apart: diameter 100, 0.1 d = 10 mm, 0.5 d = 50 mm. */
    private static final ModelPoints MODEL = ModelPoints.of(new float[] {-50, 0, 0, 50, 0, 0}, 100);

    private static EvalTarget target(int image, double depth) {
        return new EvalTarget(new PoseKey(1, image, 1), Pose.identityAt(0, 0, depth), CAMERA, MODEL);
    }

    private static PoseEstimate estimate(int image, double score, double dx, double depth) {
        return new PoseEstimate(new PoseKey(1, image, 1), score, Pose.identityAt(dx, 0, depth), -1);
    }

    @Test
    void handExampleOverallAndPerBin() {
        // depths 100..1000: edges 100, 400, 700, 1000; images 0,1 near, 2 medium, 3,4 far
        List<EvalTarget> targets = List.of(target(0, 100), target(1, 200), target(2, 400), target(3, 700),
                target(4, 1000));
        List<PoseEstimate> estimates = List.of(
                estimate(0, 0.9, 5, 100),     // ADD 5 mm: passes 0.1d; proj 500*5/100 = 25 px
                estimate(0, 0.5, 0, 100),     // lower score: ignored although perfect
                estimate(1, 0.8, 20, 200),    // ADD 20: fails 0.1d, passes 0.5d
                estimate(2, 0.7, 0.1, 400),   // ADD 0.1: passes everything; proj 0.125 px
                // image 3: missing
                estimate(4, 0.6, 60, 1000),   // ADD 60: fails both
                estimate(9, 0.6, 0, 1000));   // not in the set: unused
        PoseEvaluation ev = PoseEvaluator.evaluate(targets, estimates);
        assertThat(ev.unusedEstimates()).as("lower-scored duplicate and unknown key").isEqualTo(2);
        EvaluationResult r = ev.result();
        assertThat(r.count()).isEqualTo(5);
        assertThat(r.binEdgesMm()).containsExactly(100, 400, 700, 1000);
        MetricSummary all = r.overall();
        assertThat(all.add01d()).isCloseTo(40, within(1e-12));
        assertThat(all.add05d()).isCloseTo(60, within(1e-12));
        // two points 100 mm apart shifted by dx < 50: each keeps its own partner, ADI = ADD; at dx = 60 the
        // right point's nearest is the shifted left one (40 mm): ADI = (60 + 40) / 2 = 50, not below 0.5 d
        assertThat(all.adi01d()).isCloseTo(40, within(1e-12));
        assertThat(all.adi05d()).isCloseTo(60, within(1e-12));
        assertThat(all.proj5px()).isCloseTo(20, within(1e-12));
        assertThat(all.meanTransErrMm()).as("over the 4 estimates").isCloseTo((5 + 20 + 0.1 + 60) / 4, within(1e-12));
        assertThat(all.meanRotErrDeg()).isCloseTo(0, within(1e-6));
        assertThat(r.near().count()).isEqualTo(2);
        assertThat(r.near().add01d()).isCloseTo(50, within(1e-12));
        assertThat(r.medium().count()).isEqualTo(1);
        assertThat(r.medium().add01d()).isCloseTo(100, within(1e-12));
        assertThat(r.far().count()).isEqualTo(2);
        assertThat(r.far().add05d()).as("one missing, one too far off").isZero();
        assertThat(r.far().meanTransErrMm()).as("only the estimate present counts").isCloseTo(60, within(1e-12));
        assertThat(ev.instances().get(3).hasEstimate()).isFalse();
    }

    @Test
    void noEstimatesAtAllGiveZeroPercentAndUndefinedMeans() {
        EvaluationResult r = PoseEvaluator.evaluate(List.of(target(0, 300), target(1, 600)), List.of()).result();
        assertThat(r.overall().add01d()).isZero();
        assertThat(r.overall().meanRotErrDeg()).isNaN();
        assertThat(r.medium().count()).isZero();
        assertThat(r.medium().add01d()).as("empty bin").isNaN();
    }

    @Test
    void severalInstancesOfOneObjectAreMatchedByScoreThenNearestPose() {
        PoseKey key = new PoseKey(2, 5, 1);
        EvalTarget left = new EvalTarget(key, Pose.identityAt(-200, 0, 800), CAMERA, MODEL);
        EvalTarget right = new EvalTarget(key, Pose.identityAt(200, 0, 800), CAMERA, MODEL);
        List<PoseEstimate> est = List.of(
                new PoseEstimate(key, 0.9, Pose.identityAt(201, 0, 800), -1),
                new PoseEstimate(key, 0.4, Pose.identityAt(-198, 0, 800), -1),
                new PoseEstimate(key, 0.1, Pose.identityAt(0, 0, 800), -1));
        PoseEvaluation ev = PoseEvaluator.evaluate(List.of(left, right), est);
        assertThat(ev.instances().get(0).errors().translationMm()).isCloseTo(2, within(1e-9));
        assertThat(ev.instances().get(1).errors().translationMm()).isCloseTo(1, within(1e-9));
        assertThat(ev.unusedEstimates()).isEqualTo(1);
    }
}
