package dev.mqat.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProjectionTest {

    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(500, 400, 320, 240, 640, 480);

    @Test
    void projectsHandComputedPoints() {
        // rotation 90 deg about z: (x, y, z) -> (-y, x, z); then + (10, 0, 1000)
        Pose pose = new Pose(new double[] {0, -1, 0, 1, 0, 0, 0, 0, 1}, new double[] {10, 0, 1000});
        double[][] px = Projection.project(pose, CAMERA, new double[][] {{0, 0, 0}, {20, 30, 0}, {0, 0, -1000}});
        assertThat(px[0][0]).isCloseTo(500 * 10 / 1000.0 + 320, within(1e-12));
        assertThat(px[0][1]).isCloseTo(240, within(1e-12));
        // camera point (-30 + 10, 20, 1000)
        assertThat(px[1][0]).isCloseTo(500 * -20 / 1000.0 + 320, within(1e-12));
        assertThat(px[1][1]).isCloseTo(400 * 20 / 1000.0 + 240, within(1e-12));
        assertThat(px[2]).as("point on the camera plane").containsExactly(Double.NaN, Double.NaN);
    }

    @Test
    void flatAndRowProjectionsAgree() {
        Pose pose = new Pose(PnpSolverTest.randomRotation(new java.util.Random(3)), new double[] {5, -7, 600});
        float[] flat = {1, 2, 3, -40, 50, 60, 70, -80, 0};
        double[][] rows = {{1, 2, 3}, {-40, 50, 60}, {70, -80, 0}};
        double[] uv = Projection.projectFlat(pose, CAMERA, flat);
        double[][] px = Projection.project(pose, CAMERA, rows);
        for (int i = 0; i < 3; i++) {
            assertThat(uv[2 * i]).isCloseTo(px[i][0], within(1e-9));
            assertThat(uv[2 * i + 1]).isCloseTo(px[i][1], within(1e-9));
        }
    }

    @Test
    void bboxCornersProjectInCornerOrder() {
        Mesh mesh = new Mesh(new float[] {-1, -2, -3, 1, 2, 3}, new int[0], null, null);
        Pose pose = Pose.identityAt(0, 0, 100);
        double[][] px = Projection.projectBboxCorners(pose, CAMERA, mesh);
        assertThat(px).hasNumberOfRows(8);
        // corner 5 = (max x, min y, max z) = (1, -2, 3) -> camera (1, -2, 103)
        assertThat(px[5][0]).isCloseTo(500 * 1 / 103.0 + 320, within(1e-12));
        assertThat(px[5][1]).isCloseTo(400 * -2 / 103.0 + 240, within(1e-12));
    }
}
