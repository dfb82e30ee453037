package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PointKdTreeTest {

    private static double bruteNearestSq(float[] p, double qx, double qy, double qz) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < p.length / 3; i++) {
            double dx = p[3 * i] - qx, dy = p[3 * i + 1] - qy, dz = p[3 * i + 2] - qz;
            best = Math.min(best, dx * dx + dy * dy + dz * dz);
        }
        return best;
    }

    @Test
    void nearestDistanceMatchesBruteForceOnRandomSortedAndDuplicatePoints() {
        Random rnd = new Random(8);
        float[] random = PoseErrorsTest.randomPoints(rnd, 2000, 100);
        float[] sorted = new float[3 * 500];
        for (int i = 0; i < 500; i++) {
            sorted[3 * i] = i;
            sorted[3 * i + 1] = i % 7;
            sorted[3 * i + 2] = 0; // flat: one axis with no spread
        }
        float[] duplicates = new float[3 * 300];
        for (int i = 0; i < 300; i++) {
            duplicates[3 * i] = i % 3;
            duplicates[3 * i + 1] = 1;
            duplicates[3 * i + 2] = i % 2;
        }
        for (float[] pts : new float[][] {random, sorted, duplicates, {5, 5, 5}}) {
            PointKdTree tree = new PointKdTree(pts);
            for (int q = 0; q < 500; q++) {
                double qx = rnd.nextGaussian() * 120, qy = rnd.nextGaussian() * 120, qz = rnd.nextGaussian() * 120;
                assertThat(tree.nearestDistanceSq(qx, qy, qz)).as("query %d on %d points", q, pts.length / 3)
                        .isEqualTo(bruteNearestSq(pts, qx, qy, qz));
            }
            // querying a member finds distance 0
            assertThat(tree.nearestDistanceSq(pts[0], pts[1], pts[2])).isZero();
        }
    }
}
