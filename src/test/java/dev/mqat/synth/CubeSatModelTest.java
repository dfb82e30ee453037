package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mqat.geometry.Mesh;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CubeSatModelTest {
    private static final Mesh MESH = CubeSatModel.mesh();

    @Test
    void diameterIsCloseToSwissCubesAndTheOriginIsTheBoxCentre() {
        assertThat(MESH.diameterMm()).as("diameter vs SwissCube's 178.46 mm").isCloseTo(178.46, offset(1.0));
        double[] lo = MESH.boundsMin();
        double[] hi = MESH.boundsMax();
        for (int k = 0; k < 3; k++) {
            assertThat(lo[k] + hi[k]).as("box centre along axis %d", k).isCloseTo(0, offset(1e-4));
        }
        assertThat(MESH.colors()).isNotNull();
        assertThat(MESH.triangleCount()).isBetween(300, 2000);
    }

    /**
     * At 8-20 px a glyph cell is smaller than a pixel, so a face is seen as its mean colour: the six body faces'
     * mean colours must differ pairwise (RGB distance at least 0.15), or orientation is ambiguous at range.
     */
    @Test
    void bodyFacesKeepDistinctMeanColours() {
        float[] c = MESH.colors();
        double[][] mean = new double[6][3];
        for (int face = 0; face < 6; face++) {
            // the body faces come first: 25 cells of 4 vertices per face, in the order +X, -X, +Y, -Y, +Z, -Z
            for (int i = face * 100; i < (face + 1) * 100; i++) {
                for (int k = 0; k < 3; k++) {
                    mean[face][k] += c[3 * i + k] / 100.0;
                }
            }
        }
        for (int a = 0; a < 6; a++) {
            for (int b = a + 1; b < 6; b++) {
                double d = Math.sqrt(Math.pow(mean[a][0] - mean[b][0], 2) + Math.pow(mean[a][1] - mean[b][1], 2)
                        + Math.pow(mean[a][2] - mean[b][2], 2));
                assertThat(d).as("mean colours of faces %d and %d", a, b).isGreaterThanOrEqualTo(0.15);
            }
        }
    }

    /**
     * No rotation that maps the box-shaped body onto itself (the 23 non-trivial rotations of the cube) maps the
     * coloured surface onto itself: orientation is visible from appearance.
     */
    @Test
    void noCubeRotationIsASymmetry() {
        Set<List<Long>> original = coloredCentroids(MESH, new int[] {0, 1, 2}, new int[] {1, 1, 1});
        int[][] perms = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {1, 0, 2}, {0, 2, 1}, {2, 1, 0}};
        int rotations = 0;
        for (int[] perm : perms) {
            for (int signs = 0; signs < 8; signs++) {
                int[] sign = {(signs & 1) != 0 ? -1 : 1, (signs & 2) != 0 ? -1 : 1, (signs & 4) != 0 ? -1 : 1};
                if (determinant(perm, sign) != 1 || (signs == 0 && perm[0] == 0 && perm[1] == 1)) {
                    continue;
                }
                rotations++;
                assertThat(coloredCentroids(MESH, perm, sign)).as("surface under axis permutation %s with signs %s",
                        java.util.Arrays.toString(perm), java.util.Arrays.toString(sign)).isNotEqualTo(original);
            }
        }
        assertThat(rotations).isEqualTo(23);
    }

    private static int determinant(int[] perm, int[] sign) {
        int parity = (perm[0] == 0 && perm[1] == 1) || (perm[0] == 1 && perm[1] == 2) || (perm[0] == 2 && perm[1] == 0) ? 1 : -1;
        return parity * sign[0] * sign[1] * sign[2];
    }

    /** Triangle centroids (rounded to 0.1 mm, about the body centre) with colours, after x'_i = sign_i * x_perm[i]. */
    private static Set<List<Long>> coloredCentroids(Mesh mesh, int[] perm, int[] sign) {
        // rotate about the body centre, which the box-centred origin is offset from by the appendages
        double[] body = new double[3];
        float[] v = mesh.vertices();
        float[] c = mesh.colors();
        int[] t = mesh.triangles();
        double[] min = {1e9, 1e9, 1e9};
        double[] max = {-1e9, -1e9, -1e9};
        // the body is the part within 50 mm of its centre: find it from the first 6 x 25 cells (the body faces)
        for (int i = 0; i < 6 * 25 * 4; i++) {
            for (int k = 0; k < 3; k++) {
                min[k] = Math.min(min[k], v[3 * i + k]);
                max[k] = Math.max(max[k], v[3 * i + k]);
            }
        }
        for (int k = 0; k < 3; k++) {
            body[k] = (min[k] + max[k]) / 2;
        }
        assertThat(max[0] - min[0]).as("body edge, mm").isCloseTo(100, offset(1e-3));
        Set<List<Long>> out = new HashSet<>();
        for (int tri = 0; tri < t.length / 3; tri++) {
            double[] centroid = new double[3];
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    centroid[k] += (v[3 * t[3 * tri + j] + k] - body[k]) / 3;
                }
            }
            int a = t[3 * tri];
            out.add(List.of(Math.round(10 * sign[0] * centroid[perm[0]]), Math.round(10 * sign[1] * centroid[perm[1]]),
                    Math.round(10 * sign[2] * centroid[perm[2]]), (long) Math.round(255 * c[3 * a]),
                    (long) Math.round(255 * c[3 * a + 1]), (long) Math.round(255 * c[3 * a + 2])));
        }
        return out;
    }
}
