package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneSamplerTest {
    private static final Mesh SATELLITE = CubeSatModel.mesh();
    private static final double DIAMETER = SATELLITE.diameterMm();

    private static SceneSampler sampler(int size, DepthSampling sampling, long seed) {
        return new SceneSampler(SceneConfig.forObject(DIAMETER, size, sampling), new double[3], seed);
    }

    @Test
    void configuredDepthRangeSpansAFactorOfEightAndTheStatedPixelSizes() {
        SceneConfig c = SceneConfig.forObject(DIAMETER, 128, DepthSampling.UNIFORM);
        assertThat(c.farthestDepthMm() / c.nearestDepthMm()).as("farthest/nearest depth").isGreaterThanOrEqualTo(8);
        assertThat(c.focalPx() * DIAMETER / c.nearestDepthMm()).as("object span at the nearest depth, px").isCloseTo(60, offset(1e-9));
        assertThat(c.focalPx() * DIAMETER / c.farthestDepthMm()).as("object span at the farthest depth, px").isCloseTo(7, offset(1e-9));
        SceneConfig big = SceneConfig.forObject(DIAMETER, 512, DepthSampling.UNIFORM);
        assertThat(big.focalPx()).isEqualTo(4 * c.focalPx());
        assertThat(big.nearestDepthMm()).as("depths do not change with the image size").isEqualTo(c.nearestDepthMm());
        assertThat(big.farthestDepthMm()).isEqualTo(c.farthestDepthMm());
    }

    @Test
    void realisedDepthsOver2000PosesSpanAFactorOfEight() {
        for (DepthSampling sampling : DepthSampling.values()) {
            SceneSampler s = sampler(128, sampling, 3);
            double min = Double.POSITIVE_INFINITY, max = 0;
            double[] depths = new double[2000];
            for (int i = 0; i < 2000; i++) {
                depths[i] = s.sample(i).objectToCamera().t(2);
                min = Math.min(min, depths[i]);
                max = Math.max(max, depths[i]);
            }
            assertThat(max / min).as("realised farthest/nearest depth with %s", sampling).isGreaterThanOrEqualTo(8);
            Arrays.sort(depths);
            double near = s.config().nearestDepthMm(), far = s.config().farthestDepthMm();
            double expectedMedian = sampling == DepthSampling.UNIFORM ? (near + far) / 2 : Math.sqrt(near * far);
            assertThat(depths[1000]).as("median depth with %s", sampling).isCloseTo(expectedMedian, offset(0.06 * (far - near)));
        }
    }

    @Test
    void rotationsAreProperAndUniformAndCentresProjectInsideTheMargin() {
        SceneSampler s = sampler(128, DepthSampling.UNIFORM, 9);
        CameraIntrinsics k = s.config().camera();
        double[] mean = new double[9];
        int planets = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            Scene scene = s.sample(i);
            Pose p = scene.objectToCamera();
            double[] r = p.rotation();
            double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
            assertThat(det).as("det R of image %d", i).isCloseTo(1, offset(1e-9));
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double dot = r[3 * a] * r[3 * b] + r[3 * a + 1] * r[3 * b + 1] + r[3 * a + 2] * r[3 * b + 2];
                    assertThat(dot).as("row %d . row %d of R, image %d", a, b, i).isCloseTo(a == b ? 1 : 0, offset(1e-9));
                }
            }
            for (int j = 0; j < 9; j++) {
                mean[j] += r[j] / n;
            }
            double[] uv = k.project(p.apply(new double[3]));
            assertThat(uv[0]).as("u of the object centre, image %d", i).isBetween(12.0 - 1e-9, 115.0 + 1e-9);
            assertThat(uv[1]).as("v of the object centre, image %d", i).isBetween(12.0 - 1e-9, 115.0 + 1e-9);
            planets += scene.planet().isPresent() ? 1 : 0;
            double sunNorm = Math.hypot(Math.hypot(scene.light().toSunX(), scene.light().toSunY()), scene.light().toSunZ());
            assertThat(sunNorm).isCloseTo(1, offset(1e-9));
            assertThat(scene.light().ambient()).isBetween(0.1, 0.3);
        }
        for (int j = 0; j < 9; j++) {
            assertThat(mean[j]).as("mean of R[%d] over uniform rotations", j).isCloseTo(0, offset(0.05));
        }
        assertThat(planets / (double) n).as("fraction of images with a planet").isCloseTo(0.2, offset(0.03));
    }

    @Test
    void eachImageDependsOnlyOnSeedAndIndex() {
        SceneSampler a = sampler(128, DepthSampling.UNIFORM, 42);
        SceneSampler b = sampler(128, DepthSampling.UNIFORM, 42);
        Scene late = b.sample(17);
        b.sample(3);
        assertThat(a.sample(17)).isEqualTo(late);
        assertThat(a.sample(18).objectToCamera()).isNotEqualTo(late.objectToCamera());
        assertThat(sampler(128, DepthSampling.UNIFORM, 43).sample(17).objectToCamera()).isNotEqualTo(late.objectToCamera());
    }

    /**
     * Every synthetic dataset, the default one and the metrics measured on it depend on these streams: the first
     * draws of {@link SceneSampler#imageRandom} were computed with the formula the datasets were written with, and
     * the first draw fixes a {@link SplittableRandom}'s whole stream.
     */
    @Test
    void imageStreamsAreTheOnesTheDatasetsWereWrittenWith() {
        long[][] rootIndexFirstSecond = {
            {1, 0, 0x5E41AB087439611EL, 0xF18D6CE93D6CF1EEL},
            {1, 1, 0x778B1AA9C29BC868L, 0x08C9EB4685B1DAD7L},
            {1, 21999, 0x2760BB4CE90BDFA1L, 0x4A94CADBC51C1947L},
            {0, 0, 0xA706DD2F4D197E6FL, 0xB382A305F4414F5EL},
            {42, 17, 0xE8BBC79D1DB60661L, 0xB8AB374B6B491A6AL},
            {-7, 3, 0xFB30B34B49FF75FEL, 0xE9A50B61368F349BL},
        };
        for (long[] c : rootIndexFirstSecond) {
            SplittableRandom r = SceneSampler.imageRandom(c[0], (int) c[1]);
            assertThat(new long[] {r.nextLong(), r.nextLong()}).as("first two draws of image %d of root seed %d", c[1], c[0])
                    .containsExactly(c[2], c[3]);
        }
    }

    @Test
    void translationPlacesTheBoundingBoxCentreNotTheOrigin() {
        double[] centre = {10, -20, 30};
        SceneSampler s = new SceneSampler(SceneConfig.forObject(DIAMETER, 128, DepthSampling.UNIFORM), centre, 5);
        SceneSampler atOrigin = sampler(128, DepthSampling.UNIFORM, 5);
        Pose p = s.sample(4).objectToCamera();
        Pose q = atOrigin.sample(4).objectToCamera();
        assertThat(p.apply(centre)).containsExactly(q.translationMm(), offset(1e-9));
    }

    @Test
    void badConfigurationsNameTheirKey() {
        assertThatThrownBy(() -> new SceneConfig(128, 150, 500, 400, DepthSampling.UNIFORM, 12, 0.2, 0.01, 2))
                .hasMessageContaining("scene.depthMm");
        assertThatThrownBy(() -> new SceneConfig(128, 150, 400, 4000, DepthSampling.UNIFORM, 70, 0.2, 0.01, 2))
                .hasMessageContaining("scene.marginPx");
        assertThatThrownBy(() -> new SceneConfig(8, 150, 400, 4000, DepthSampling.UNIFORM, 1, 0.2, 0.01, 2))
                .hasMessageContaining("scene.sizePx");
        assertThatThrownBy(() -> new SceneConfig(128, 150, 400, 4000, DepthSampling.UNIFORM, 12, 0.2, 0.01, 5))
                .hasMessageContaining("scene.supersampling");
    }
}
