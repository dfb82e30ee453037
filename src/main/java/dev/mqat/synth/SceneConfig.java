package dev.mqat.synth;

/**
 * What the scene sampler draws from: camera, depth range and appearance of one image size.
 *
 * <p>Use {@link #forObject} for the defaults: the focal length is {@value #FOCAL_PX_AT_128} px at 128 px
 * (horizontal field of view 46 deg) and scales with the image, and the depth range makes the object's
 * diameter span {@value #NEAREST_SPAN_PX_AT_128} px at the nearest depth and {@value #FARTHEST_SPAN_PX_AT_128}
 * px at the farthest at 128 px (the same fractions of the image at any size), a farthest/nearest ratio of
 * 60/7 = 8.6.
 *
 * @param sizePx image width and height, px (default 128)
 * @param focalPx focal length fx = fy, px (default 150 * sizePx / 128); principal point at the image centre
 * @param nearestDepthMm smallest depth of the object's bounding-box centre, mm
 * @param farthestDepthMm largest depth of the object's bounding-box centre, mm
 * @param depthSampling how depths are drawn in between (default {@link DepthSampling#UNIFORM})
 * @param marginPx the object's bounding-box centre projects into [margin, size - 1 - margin] on both axes, px
 *     (default 12 * sizePx / 128; near objects can then be cut by the border)
 * @param planetProbability probability that an image shows a planet limb (default 0.2)
 * @param noiseSigma standard deviation of the Gaussian pixel noise, in units of full scale (default 0.01)
 * @param supersampling samples per pixel along each axis for anti-aliasing (default 2, i.e. 2x2)
 */
public record SceneConfig(int sizePx, double focalPx, double nearestDepthMm, double farthestDepthMm,
        DepthSampling depthSampling, double marginPx, double planetProbability, double noiseSigma, int supersampling) {

    /** Focal length at 128 px, px. */
    public static final double FOCAL_PX_AT_128 = 150;
    /** Projected object diameter at the nearest depth, px at 128 px. */
    public static final double NEAREST_SPAN_PX_AT_128 = 60;
    /** Projected object diameter at the farthest depth, px at 128 px. */
    public static final double FARTHEST_SPAN_PX_AT_128 = 7;

    public SceneConfig {
        if (sizePx < 16 || sizePx > 4096) {
            throw new IllegalArgumentException("scene.sizePx must be in 16..4096, found " + sizePx);
        }
        if (!(focalPx > 0)) {
            throw new IllegalArgumentException("scene.focalPx must be positive, found " + focalPx);
        }
        if (!(nearestDepthMm > 0) || !(farthestDepthMm > nearestDepthMm) || Double.isInfinite(farthestDepthMm)) {
            throw new IllegalArgumentException("scene.depthMm must satisfy 0 < nearest < farthest, found "
                    + nearestDepthMm + " and " + farthestDepthMm);
        }
        if (depthSampling == null) {
            throw new IllegalArgumentException("scene.depthSampling is required (UNIFORM or LOG_UNIFORM)");
        }
        if (!(marginPx >= 0 && marginPx < (sizePx - 1) / 2.0)) {
            throw new IllegalArgumentException("scene.marginPx must be in [0, " + (sizePx - 1) / 2.0 + "), found " + marginPx);
        }
        if (!(planetProbability >= 0 && planetProbability <= 1)) {
            throw new IllegalArgumentException("scene.planetProbability must be in 0..1, found " + planetProbability);
        }
        if (!(noiseSigma >= 0 && noiseSigma <= 1)) {
            throw new IllegalArgumentException("scene.noiseSigma must be in 0..1, found " + noiseSigma);
        }
        if (supersampling < 1 || supersampling > 4) {
            throw new IllegalArgumentException("scene.supersampling must be in 1..4, found " + supersampling);
        }
    }

    /**
     * The default scene set for an object of the given diameter at the given image size.
     *
     * <p>Depths: nearest = f128 * d / 60, farthest = f128 * d / 7 (f128 = 150 px); for the embedded satellite
     * (d = 178.6 mm) that is 447 mm to 3828 mm. Depths are in mm and do not change with the image size,
     * since the focal length scales with it.
     */
    public static SceneConfig forObject(double diameterMm, int sizePx, DepthSampling depthSampling) {
        if (!(diameterMm > 0) || Double.isInfinite(diameterMm)) {
            throw new IllegalArgumentException("scene: object diameter must be positive, found " + diameterMm + " mm");
        }
        double scale = sizePx / 128.0;
        return new SceneConfig(sizePx, FOCAL_PX_AT_128 * scale,
                FOCAL_PX_AT_128 * diameterMm / NEAREST_SPAN_PX_AT_128,
                FOCAL_PX_AT_128 * diameterMm / FARTHEST_SPAN_PX_AT_128,
                depthSampling, 12 * scale, 0.2, 0.01, 2);
    }

    /** The camera of every image: square pixels, principal point at the image centre. */
    public dev.mqat.geometry.CameraIntrinsics camera() {
        double c = (sizePx - 1) / 2.0;
        return new dev.mqat.geometry.CameraIntrinsics(focalPx, focalPx, c, c, sizePx, sizePx);
    }
}
