package dev.mqat.model;

/**
 * Settings of {@link CornerDecoder} (WDR post-processing).
 *
 * @param confidenceThreshold cells whose class probability exceeds this are candidates (default 0.3)
 * @param cellsPerObject cells pooled per object, spread over levels by predicted size (default 10)
 * @param levelLambda sharpness of the level spread, as in training (default 1.0)
 * @param rotations views of each image whose correspondences are pooled into one PnP per object: 1 = the image as
 *     it is (WDR), 2 = also turned by 180 degrees, 4 = every quarter turn (mqat's default). A config written before
 *     this setting existed has no value (0 when read) and means 1, the single view it was evaluated with.
 * @param zoomBelowPx an object whose box, projected with its first-pass pose, is narrower and shorter than this (px)
 *     is seen again magnified twice about its centre, and PnP is solved on both passes' correspondences pooled;
 *     0 turns this off (and is what a config written before this setting reads). Default 64: every object of the
 *     default dataset (8 to 60 px) gets the second look.
 */
public record DecoderConfig(double confidenceThreshold, int cellsPerObject, double levelLambda, int rotations,
        double zoomBelowPx) {

    public DecoderConfig {
        if (rotations == 0) {
            rotations = 1;
        }
        if (!(confidenceThreshold >= 0 && confidenceThreshold < 1)) {
            throw new IllegalArgumentException("decoder.confidenceThreshold: must be in [0, 1), found " + confidenceThreshold);
        }
        if (cellsPerObject < 1) {
            throw new IllegalArgumentException("decoder.cellsPerObject: must be at least 1, found " + cellsPerObject);
        }
        if (!(levelLambda > 0) || Double.isInfinite(levelLambda)) {
            throw new IllegalArgumentException("decoder.levelLambda: must be positive, found " + levelLambda);
        }
        if (rotations != 1 && rotations != 2 && rotations != 4) {
            throw new IllegalArgumentException("decoder.rotations: must be 1, 2 or 4, found " + rotations);
        }
        if (!(zoomBelowPx >= 0) || Double.isInfinite(zoomBelowPx)) {
            throw new IllegalArgumentException("decoder.zoomBelowPx: must be 0 (off) or a positive number of pixels, found "
                    + zoomBelowPx);
        }
    }

    /**
     * Threshold 0.3, 10 cells, lambda 1 (WDR), pooled over the four quarter turns of the image, a magnified second
     * look at objects under 64 px.
     */
    public static DecoderConfig defaults() {
        return new DecoderConfig(0.3, 10, 1.0, 4, 64);
    }

    public DecoderConfig withConfidenceThreshold(double t) {
        return new DecoderConfig(t, cellsPerObject, levelLambda, rotations, zoomBelowPx);
    }

    public DecoderConfig withCellsPerObject(int n) {
        return new DecoderConfig(confidenceThreshold, n, levelLambda, rotations, zoomBelowPx);
    }

    public DecoderConfig withRotations(int n) {
        return new DecoderConfig(confidenceThreshold, cellsPerObject, levelLambda, n, zoomBelowPx);
    }

    public DecoderConfig withZoomBelowPx(double px) {
        return new DecoderConfig(confidenceThreshold, cellsPerObject, levelLambda, rotations, px);
    }
}
