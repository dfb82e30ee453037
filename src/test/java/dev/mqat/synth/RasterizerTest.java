package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RasterizerTest {
    private static final Lighting FRONT_LIGHT = new Lighting(0, 0, -1, 0.2, 0.8);

    /** The rasterizer's z-buffer against a brute-force per-sample point-in-triangle twin, on the satellite. */
    @Test
    void matchesBruteForceTwinOnTheSatellite() {
        Mesh mesh = CubeSatModel.mesh();
        SplittableRandom rng = new SplittableRandom(11);
        CameraIntrinsics camera = new CameraIntrinsics(120, 120, 47.5, 47.5, 96, 96);
        for (int trial = 0; trial < 4; trial++) {
            double[] r = SceneSampler.uniformRotation(rng);
            Pose pose = new Pose(r, new double[] {rng.nextDouble(-40, 40), rng.nextDouble(-40, 40), rng.nextDouble(300, 900)});
            compareWithTwin(mesh, pose, camera);
        }
    }

    /** Same comparison on a soup of random, intersecting triangles with random colours. */
    @Test
    void matchesBruteForceTwinOnRandomTriangles() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 40;
        float[] v = new float[9 * n];
        float[] c = new float[9 * n];
        int[] t = new int[3 * n];
        for (int i = 0; i < 3 * n; i++) {
            v[3 * i] = (float) rng.nextDouble(-60, 60);
            v[3 * i + 1] = (float) rng.nextDouble(-60, 60);
            v[3 * i + 2] = (float) rng.nextDouble(-40, 40);
            c[3 * i] = (float) rng.nextDouble();
            c[3 * i + 1] = (float) rng.nextDouble();
            c[3 * i + 2] = (float) rng.nextDouble();
            t[i] = i;
        }
        Mesh soup = new Mesh(v, t, null, c);
        CameraIntrinsics camera = new CameraIntrinsics(90, 90, 31.5, 31.5, 64, 64);
        compareWithTwin(soup, Pose.identityAt(3.3, -2.1, 200), camera);
    }

    private static void compareWithTwin(Mesh mesh, Pose pose, CameraIntrinsics camera) {
        int w = camera.width(), h = camera.height();
        Rasterizer r = new Rasterizer();
        float[] albedo = mesh.colors();
        // a canvas wider than the geometry, so nothing is clipped and the twin needs no clipping either
        r.render(mesh.vertices(), mesh.triangles(), albedo, pose, camera, FRONT_LIGHT, -w, -h, 2 * w, 2 * h);
        assertThat(r.regionX).as("region inside the unclipped canvas").isGreaterThan(-w);
        assertThat(r.regionX + r.regionWidth).isLessThan(2 * w);
        float[] twin = BruteForceTwin.inverseDepth(mesh, pose, camera, w, h);
        int covered = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float fast = 0;
                if (x >= r.regionX && x < r.regionX + r.regionWidth && y >= r.regionY && y < r.regionY + r.regionHeight) {
                    fast = r.invDepth[(y - r.regionY) * r.regionWidth + (x - r.regionX)];
                }
                float slow = twin[y * w + x];
                assertThat(fast > 0).as("coverage of sample (%d, %d), pose %s", x, y, pose).isEqualTo(slow > 0);
                if (slow > 0) {
                    covered++;
                    assertThat((double) fast).as("1/z at sample (%d, %d)", x, y).isCloseTo(slow, org.assertj.core.data.Percentage.withPercentage(1e-4));
                }
            }
        }
        assertThat(covered).as("covered samples").isGreaterThan(100);
    }

    /** A fan of thin triangles sharing edges leaves no gap: every sample well inside the disc is covered. */
    @Test
    void trianglesSharingEdgesLeaveNoGaps() {
        int spokes = 97;
        float[] v = new float[3 * (spokes + 1)];
        float[] c = new float[v.length];
        java.util.Arrays.fill(c, 0.5f);
        int[] t = new int[3 * spokes];
        double radius = 27.3;
        for (int k = 0; k < spokes; k++) {
            double a = 2 * Math.PI * k / spokes;
            v[3 * (k + 1)] = (float) (radius * Math.cos(a));
            v[3 * (k + 1) + 1] = (float) (radius * Math.sin(a));
            t[3 * k] = 0;
            t[3 * k + 1] = k + 1;
            t[3 * k + 2] = (k + 1) % spokes + 1;
        }
        CameraIntrinsics camera = new CameraIntrinsics(100, 100, 31.37, 32.71, 64, 64);
        Rasterizer r = new Rasterizer();
        r.render(v, t, c, Pose.identityAt(0, 0, 100), camera, FRONT_LIGHT, 0, 0, 64, 64);
        double radiusPx = radius * 100 / 100 * Math.cos(Math.PI / spokes);
        int inside = 0;
        for (int y = r.regionY; y < r.regionY + r.regionHeight; y++) {
            for (int x = r.regionX; x < r.regionX + r.regionWidth; x++) {
                double d = Math.hypot(x - camera.cx(), y - camera.cy());
                if (d < radiusPx - 0.1) {
                    inside++;
                    assertThat(r.invDepth[(y - r.regionY) * r.regionWidth + x - r.regionX])
                            .as("sample (%d, %d) at %.2f px from the centre", x, y, d).isGreaterThan(0f);
                }
            }
        }
        assertThat(inside).isGreaterThan(2000);
    }

    /** A flat face lit head-on gets albedo * (ambient + sun), and a face at 60 deg gets half the sun. */
    @Test
    void lambertShadingOfAFlatQuad() {
        double[] rgb = {0.8, 0.4, 0.2};
        Mesh quad = new MeshBuilder().quad(new double[] {-50, -50, 0}, new double[] {50, -50, 0},
                new double[] {50, 50, 0}, new double[] {-50, 50, 0}, rgb).build(new double[3]);
        CameraIntrinsics camera = new CameraIntrinsics(100, 100, 15.5, 15.5, 32, 32);
        Rasterizer r = new Rasterizer();
        double tilt = Math.toRadians(60);
        Lighting light = new Lighting(0, Math.sin(tilt), -Math.cos(tilt), 0.1, 0.9);
        r.render(quad.vertices(), quad.triangles(), quad.colors(), Pose.identityAt(0, 0, 400), camera, light, 0, 0, 32, 32);
        int centre = (16 - r.regionY) * r.regionWidth + 16 - r.regionX;
        double shade = 0.1 + 0.9 * Math.cos(tilt);
        float[] albedo = quad.colors();
        assertThat((double) r.red[centre]).isCloseTo(albedo[0] * shade, org.assertj.core.data.Offset.offset(1e-5));
        assertThat((double) r.green[centre]).isCloseTo(albedo[1] * shade, org.assertj.core.data.Offset.offset(1e-5));
        assertThat((double) r.blue[centre]).isCloseTo(albedo[2] * shade, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(1 / r.invDepth[centre]).as("depth of the quad's centre, mm").isCloseTo(400f, org.assertj.core.data.Offset.offset(1e-3f));
    }

    /**
     * Near-plane and canvas clipping: a large box around the camera's near plane and far outside the canvas
     * renders like a ray-cast twin, apart from samples grazing an edge.
     */
    @Test
    void clippedGeometryMatchesRayCasting() {
        double[][] faces = new double[6][];
        for (int f = 0; f < 6; f++) {
            faces[f] = new double[] {0.2 + 0.1 * f, 0.5, 0.9 - 0.1 * f};
        }
        // a 2 m box whose near face is behind the camera and whose far face is 5 m away
        Mesh box = new MeshBuilder().box(new double[] {-1000, -300, -500}, new double[] {1000, 1700, 5000}, faces)
                .box(new double[] {-200, -200, 50}, new double[] {200, 150, 400}, faces).build(new double[3]);
        CameraIntrinsics camera = new CameraIntrinsics(40, 40, 23.5, 23.5, 48, 48);
        Rasterizer r = new Rasterizer();
        Pose pose = Pose.identityAt(0, 0, 0);
        r.render(box.vertices(), box.triangles(), box.colors(), pose, camera, FRONT_LIGHT, -48, -48, 96, 96);
        float[] v = box.vertices();
        int[] t = box.triangles();
        int agree = 0, mismatch = 0;
        for (int y = -48; y < 96; y++) {
            for (int x = -48; x < 96; x++) {
                double z = BruteForceTwin.rayCastDepth(v, t, (x - camera.cx()) / camera.fx(), (y - camera.cy()) / camera.fy(),
                        Rasterizer.NEAR_MM);
                float fast = 0;
                if (x >= r.regionX && x < r.regionX + r.regionWidth && y >= r.regionY && y < r.regionY + r.regionHeight) {
                    fast = r.invDepth[(y - r.regionY) * r.regionWidth + (x - r.regionX)];
                }
                if ((fast > 0) != Double.isFinite(z)) {
                    mismatch++;
                } else if (fast > 0) {
                    agree++;
                    assertThat(1 / (double) fast).as("depth at sample (%d, %d)", x, y).isCloseTo(z, org.assertj.core.data.Percentage.withPercentage(0.5));
                }
            }
        }
        assertThat(agree).isGreaterThan(10000);
        assertThat(mismatch).as("samples covered by only one of rasterizer and ray caster").isLessThan(agree / 200);
    }
}
