package dev.mqat.geometry;

/**
 * Settings of {@link PnpSolver}.
 *
 * @param ransacThresholdPx largest reprojection error of an inlier, px; default 5 (the WDR/MQAT evaluation's
 *     value; 3 px with refinement did better at 128 px input)
 * @param maxIterations RANSAC iterations (random minimal samples); default 500
 * @param refine refine the RANSAC pose on its inliers by Levenberg-Marquardt; default true
 * @param seed seed of the RANSAC sampler; the same seed and input give the same pose; default 0
 */
public record PnpConfig(double ransacThresholdPx, int maxIterations, boolean refine, long seed) {

    public PnpConfig {
        if (!(ransacThresholdPx > 0) || Double.isInfinite(ransacThresholdPx)) {
            throw new IllegalArgumentException("pnp.ransacThresholdPx must be a positive finite number of pixels, found "
                    + ransacThresholdPx);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("pnp.maxIterations must be at least 1, found " + maxIterations);
        }
    }

    /** 5 px, 500 iterations, refinement on, seed 0. */
    public static PnpConfig defaults() {
        return new PnpConfig(5.0, 500, true, 0L);
    }

    /** The same settings with another inlier threshold, px. */
    public PnpConfig withRansacThresholdPx(double thresholdPx) {
        return new PnpConfig(thresholdPx, maxIterations, refine, seed);
    }

    /** The same settings with refinement switched on or off. */
    public PnpConfig withRefine(boolean refineOnInliers) {
        return new PnpConfig(ransacThresholdPx, maxIterations, refineOnInliers, seed);
    }

    /** The same settings with another sampler seed. */
    public PnpConfig withSeed(long newSeed) {
        return new PnpConfig(ransacThresholdPx, maxIterations, refine, newSeed);
    }
}
