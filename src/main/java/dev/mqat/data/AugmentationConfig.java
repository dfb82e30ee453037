package dev.mqat.data;

/**
 * WDR-style geometric augmentation: a similarity warp about the principal point (shift, scale, in-plane
 * rotation) with the camera and pose updated so that the annotation stays exact.
 *
 * @param enabled apply augmentation at all (default true)
 * @param maxShiftFraction largest shift of the principal point, as a fraction of the image side (default 0.1)
 * @param minScale smallest zoom factor (default 0.8)
 * @param maxScale largest zoom factor (default 1.25)
 * @param maxRotationDeg largest in-plane rotation, degrees (default 180: the object is seen in every roll)
 */
public record AugmentationConfig(boolean enabled, double maxShiftFraction, double minScale, double maxScale,
        double maxRotationDeg) {

    public AugmentationConfig {
        if (!(maxShiftFraction >= 0 && maxShiftFraction <= 0.5)) {
            throw new IllegalArgumentException("augment.maxShiftFraction: must be in [0, 0.5], found " + maxShiftFraction);
        }
        if (!(minScale > 0) || !(maxScale >= minScale)) {
            throw new IllegalArgumentException("augment.minScale/maxScale: need 0 < min <= max, found " + minScale + ", "
                    + maxScale);
        }
        if (!(maxRotationDeg >= 0 && maxRotationDeg <= 180)) {
            throw new IllegalArgumentException("augment.maxRotationDeg: must be in [0, 180], found " + maxRotationDeg);
        }
    }

    public static AugmentationConfig defaults() {
        return new AugmentationConfig(true, 0.1, 0.8, 1.25, 180);
    }

    public static AugmentationConfig none() {
        return new AugmentationConfig(false, 0, 1, 1, 0);
    }
}
