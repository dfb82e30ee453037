package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SceneRendererTest {
    private static final Mesh SATELLITE = CubeSatModel.mesh();

    /**
     * Over 300 scenes (both depth samplings, so many near objects cut by the border), every mask pixel lies
     * inside the convex hull of the 8 projected bounding-box corners, and the visibility info agrees with the
     * mask.
     */
    @Test
    void projectedBoundingBoxEnclosesTheMaskAndInfoMatchesIt() {
        SceneRenderer renderer = new SceneRenderer(SATELLITE);
        double[][] corners = SATELLITE.bboxCorners();
        int cut = 0;
        for (DepthSampling sampling : DepthSampling.values()) {
            SceneSampler sampler = new SceneSampler(SceneConfig.forObject(SATELLITE.diameterMm(), 64, sampling), new double[3], 77);
            for (int i = 0; i < 150; i++) {
                Scene scene = sampler.sample(i);
                RenderedImage image = renderer.render(scene);
                double[][] projected = new double[8][];
                for (int c = 0; c < 8; c++) {
                    projected[c] = scene.camera().project(scene.objectToCamera().apply(corners[c]));
                }
                double[][] hull = Hull.convexHull(projected);
                int count = 0, x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
                for (int y = 0; y < image.height(); y++) {
                    for (int x = 0; x < image.width(); x++) {
                        if (!image.masked(x, y)) {
                            continue;
                        }
                        count++;
                        x0 = Math.min(x0, x);
                        y0 = Math.min(y0, y);
                        x1 = Math.max(x1, x);
                        y1 = Math.max(y1, y);
                        // half a pixel of slack: a pixel is in the mask when half its samples (at +-0.25 px) hit
                        assertThat(Hull.distanceOutside(hull, x, y)).as("mask pixel (%d, %d) of image %d (%s) outside the projected 3D box",
                                x, y, i, sampling).isLessThanOrEqualTo(0.5);
                    }
                }
                VisibilityInfo v = image.visibility();
                assertThat(v.pxCountVisib()).as("px_count_visib of image %d", i).isEqualTo(count);
                assertThat(count).as("visible pixels of image %d", i).isGreaterThan(0);
                assertThat(v.bboxVisib()).containsExactly(x0, y0, x1 - x0, y1 - y0);
                assertThat(v.pxCountAll()).isGreaterThanOrEqualTo(count);
                int[] all = v.bboxObj();
                assertThat(all[0]).isLessThanOrEqualTo(x0);
                assertThat(all[1]).isLessThanOrEqualTo(y0);
                assertThat(all[0] + all[2]).isGreaterThanOrEqualTo(x1);
                assertThat(all[1] + all[3]).isGreaterThanOrEqualTo(y1);
                boolean cutByBorder = all[0] < 0 || all[1] < 0 || all[0] + all[2] >= 64 || all[1] + all[3] >= 64;
                if (cutByBorder) {
                    cut++;
                    assertThat(v.pxCountAll()).as("object of image %d extends beyond the border", i).isGreaterThan(count);
                    assertThat(v.visibFract()).isLessThan(1);
                } else {
                    assertThat(v.pxCountAll()).as("object of image %d fully inside", i).isEqualTo(count);
                    assertThat(v.visibFract()).isEqualTo(1.0);
                }
            }
        }
        assertThat(cut).as("scenes whose object is cut by the image border").isGreaterThan(5);
    }

    @Test
    void renderingIsAPureFunctionOfTheScene() {
        SceneSampler sampler = new SceneSampler(SceneConfig.forObject(SATELLITE.diameterMm(), 96, DepthSampling.UNIFORM), new double[3], 1);
        SceneRenderer a = new SceneRenderer(SATELLITE);
        SceneRenderer b = new SceneRenderer(SATELLITE);
        RenderedImage first = a.render(sampler.sample(5));
        b.render(sampler.sample(6)); // dirty b's buffers first
        b.render(sampler.sample(7));
        RenderedImage second = b.render(sampler.sample(5));
        assertThat(second.rgb()).isEqualTo(first.rgb());
        assertThat(second.maskVisib()).isEqualTo(first.maskVisib());
        assertThat(second.visibility()).isEqualTo(first.visibility());
    }

    @Test
    void backgroundHasStarsAndALitPlanetLimb() {
        CameraIntrinsics k = new CameraIntrinsics(150, 150, 63.5, 63.5, 128, 128);
        Pose far = Pose.identityAt(0, 0, 3000);
        Lighting sunBehindCamera = new Lighting(0, 0, -1, 0.2, 0.8);
        List<Scene.Star> stars = List.of(new Scene.Star(5, 6, 1, 1, 1), new Scene.Star(120, 7, 0.5, 0.5, 0.5));
        Scene.Planet planet = new Scene.Planet(63.5, 300, 260, 0.2, 0.4, 0.8);
        Scene scene = new Scene(0, far, k, sunBehindCamera, Optional.of(planet), stars, 0, 1, 2);
        RenderedImage image = new SceneRenderer(SATELLITE).render(scene);
        byte[] rgb = image.rgb();
        assertThat(rgb[3 * (6 * 128 + 5)] & 255).as("star brightness").isEqualTo(255);
        assertThat(rgb[3 * (7 * 128 + 120)] & 255).isEqualTo(128);
        assertThat(rgb[3 * (20 * 128 + 20)] & 255).as("empty sky").isEqualTo(0);
        // the planet covers rows below 300 - 260 = 40 at the centre column; lit head-on, its centre has its albedo
        int p = 3 * (127 * 128 + 64);
        assertThat(rgb[p + 2] & 255).as("blue of the planet").isGreaterThan(150);
        assertThat(rgb[p + 2] & 255).isGreaterThan(rgb[p] & 255);
        assertThat(rgb[3 * (38 * 128 + 64) + 2] & 255).as("just above the limb").isEqualTo(0);
        assertThat(image.visibility().pxCountVisib()).as("a 9 px satellite at 3 m").isGreaterThan(20);
    }

    @Test
    void meshWithoutColoursRendersGrey() {
        MeshBuilder b = new MeshBuilder();
        double[] grey = {0.7, 0.7, 0.7};
        b.box(new double[] {-50, -50, -50}, new double[] {50, 50, 50}, new double[][] {grey, grey, grey, grey, grey, grey});
        Mesh coloured = b.build(new double[3]);
        Mesh plain = new Mesh(coloured.vertices(), coloured.triangles(), null, null);
        CameraIntrinsics k = new CameraIntrinsics(150, 150, 31.5, 31.5, 64, 64);
        Scene scene = new Scene(0, Pose.identityAt(0, 0, 400), k, new Lighting(0, 0, -1, 0.3, 0.7), Optional.empty(),
                List.of(), 0, 1, 2);
        RenderedImage image = new SceneRenderer(plain).render(scene);
        int centre = 3 * (32 * 64 + 32);
        assertThat(image.rgb()[centre] & 255).as("grey face lit head-on").isCloseTo(Math.round(SceneRenderer.DEFAULT_GREY * 255), org.assertj.core.data.Offset.offset(1));
    }
}
