package dev.mqat.synth;

import dev.mqat.Seeds;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Draws the {@link Scene} of every image of a synthetic dataset.
 *
 * <p>Image {@code i} uses its own generator, the stream (root seed, {@link Seeds.Purpose#SCENE}, i)
 * ({@link #imageRandom}), never one that depends on thread order, so a dataset is the same whichever thread renders
 * which image. Per image, in this order:
 * <ul>
 *   <li>rotation uniform on SO(3) (Shoemake's uniform unit quaternion);
 *   <li>depth of the object's bounding-box centre in [nearest, farthest] by {@link SceneConfig#depthSampling()},
 *       and its projection uniform in [margin, size - 1 - margin] on both axes; the translation follows from
 *       the centre, so BOP's {@code cam_t_m2c} is the model origin as usual;
 *   <li>sun direction uniform on the sphere; ambient uniform in [0.1, 0.3]; sun intensity 1 - ambient;
 *   <li>3 to 14 stars per 128x128 px (scaled with the image area), brightness 0.15..1 with a slight tint;
 *   <li>with {@link SceneConfig#planetProbability()}, a planet limb: radius 1.2 to 4 image sizes, its edge
 *       crossing the image between 0.2 image sizes beyond the centre and 0.45 before it, in a random
 *       direction, with a blue, ochre, grey or white-blue albedo;
 *   <li>the seed of the pixel noise.
 * </ul>
 * Transcendental functions use {@link StrictMath} so the same seed gives the same scenes on any JVM.
 */
public final class SceneSampler {
    private static final double[][] PLANET_ALBEDO = {
        {0.22, 0.38, 0.72}, {0.62, 0.5, 0.32}, {0.52, 0.52, 0.5}, {0.75, 0.82, 0.92},
    };

    private final SceneConfig config;
    private final CameraIntrinsics camera;
    private final double[] objectCenterMm;
    private final long rootSeed;

    /**
     * @param config camera, depth range and appearance
     * @param objectCenterMm the point of the object placed at the sampled depth and pixel: the centre of its
     *     axis-aligned bounding box, object frame, mm
     * @param rootSeed the dataset seed
     */
    public SceneSampler(SceneConfig config, double[] objectCenterMm, long rootSeed) {
        if (objectCenterMm.length != 3) {
            throw new IllegalArgumentException("sampler: object centre has " + objectCenterMm.length + " values, expected 3");
        }
        this.config = config;
        this.camera = config.camera();
        this.objectCenterMm = objectCenterMm.clone();
        this.rootSeed = rootSeed;
    }

    public SceneConfig config() {
        return config;
    }

    /**
     * The generator of image {@code index}: {@code mix64(rootSeed + GOLDEN_GAMMA * (index + 1))}, the formula every
     * synthetic dataset was written with (pinned by {@code SceneSamplerTest}).
     */
    public static SplittableRandom imageRandom(long rootSeed, int index) {
        return Seeds.random(rootSeed, Seeds.Purpose.SCENE, index);
    }

    /** The scene of image {@code index}; pure function of (config, object centre, root seed, index). */
    public Scene sample(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sampler: image index must be >= 0, found " + index);
        }
        SplittableRandom rng = imageRandom(rootSeed, index);
        double[] rotation = uniformRotation(rng);
        double depth = sampleDepth(rng.nextDouble());
        double lo = config.marginPx();
        double hi = config.sizePx() - 1 - config.marginPx();
        double u = lo + (hi - lo) * rng.nextDouble();
        double v = lo + (hi - lo) * rng.nextDouble();
        double[] center = {depth * (u - camera.cx()) / camera.fx(), depth * (v - camera.cy()) / camera.fy(), depth};
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            t[i] = center[i] - (rotation[3 * i] * objectCenterMm[0] + rotation[3 * i + 1] * objectCenterMm[1]
                    + rotation[3 * i + 2] * objectCenterMm[2]);
        }
        Pose pose = new Pose(rotation, t);

        double[] sun = unitVector(rng);
        double ambient = 0.1 + 0.2 * rng.nextDouble();
        Lighting light = new Lighting(sun[0], sun[1], sun[2], ambient, 1 - ambient);

        int size = config.sizePx();
        double areaScale = (size / 128.0) * (size / 128.0);
        int starCount = (int) Math.round(rng.nextInt(3, 15) * areaScale);
        List<Scene.Star> stars = new ArrayList<>(starCount);
        for (int s = 0; s < starCount; s++) {
            int x = rng.nextInt(size);
            int y = rng.nextInt(size);
            double b = 0.15 + 0.85 * rng.nextDouble();
            stars.add(new Scene.Star(x, y, b * (0.8 + 0.2 * rng.nextDouble()), b * (0.8 + 0.2 * rng.nextDouble()),
                    b * (0.8 + 0.2 * rng.nextDouble())));
        }

        Optional<Scene.Planet> planet = Optional.empty();
        if (rng.nextDouble() < config.planetProbability()) {
            double radius = size * (1.2 + 2.8 * rng.nextDouble());
            double angle = 2 * Math.PI * rng.nextDouble();
            double distance = radius + size * (-0.2 + 0.65 * rng.nextDouble());
            double[] albedo = PLANET_ALBEDO[rng.nextInt(PLANET_ALBEDO.length)];
            double c = (size - 1) / 2.0;
            planet = Optional.of(new Scene.Planet(c + distance * StrictMath.cos(angle), c + distance * StrictMath.sin(angle),
                    radius, jitter(albedo[0], rng), jitter(albedo[1], rng), jitter(albedo[2], rng)));
        }
        long noiseSeed = rng.nextLong();
        return new Scene(index, pose, camera, light, planet, stars, config.noiseSigma(), noiseSeed, config.supersampling());
    }

    /** Depth for a uniform variate {@code x} in [0, 1), mm. */
    double sampleDepth(double x) {
        double near = config.nearestDepthMm();
        double far = config.farthestDepthMm();
        return switch (config.depthSampling()) {
            case UNIFORM -> near + (far - near) * x;
            case LOG_UNIFORM -> near * StrictMath.exp(x * StrictMath.log(far / near));
        };
    }

    private static double jitter(double value, SplittableRandom rng) {
        return Math.min(1, Math.max(0, value + 0.08 * (2 * rng.nextDouble() - 1)));
    }

    private static double[] unitVector(SplittableRandom rng) {
        double z = 2 * rng.nextDouble() - 1;
        double phi = 2 * Math.PI * rng.nextDouble();
        double r = Math.sqrt(Math.max(0, 1 - z * z));
        return new double[] {r * StrictMath.cos(phi), r * StrictMath.sin(phi), z};
    }

    /** Uniform random rotation (Shoemake 1992), row-major 3x3. */
    static double[] uniformRotation(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble(), u3 = rng.nextDouble();
        double a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
        double x = a * StrictMath.sin(2 * Math.PI * u2);
        double y = a * StrictMath.cos(2 * Math.PI * u2);
        double z = b * StrictMath.sin(2 * Math.PI * u3);
        double w = b * StrictMath.cos(2 * Math.PI * u3);
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
        };
    }
}
