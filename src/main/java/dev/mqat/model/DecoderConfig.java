package dev.mqat.model;

import java.util.List;

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
 *     is seen again magnified about its centre, once per magnification in {@code zooms}, and PnP is solved on the
 *     correspondences of the first pass and of every magnified view pooled; 0 turns this off (and is what a config
 *     written before this setting reads). Default 64: every object of the default dataset (8 to 60 px).
 * @param zooms magnifications of those second looks, each above 1 (default 1.3 and 1.7); empty (or missing in an
 *     older config) turns them off
 */
public record DecoderConfig(double confidenceThreshold, int cellsPerObject, double levelLambda, int rotations,
        double zoomBelowPx, List<Double> zooms) {

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
        zooms = zooms == null ? List.of() : List.copyOf(zooms);
        for (double z : zooms) {
            if (!(z > 1) || Double.isInfinite(z)) {
                throw new IllegalArgumentException("decoder.zooms: each magnification must be above 1, found " + z);
            }
        }
    }

    /**
     * Threshold 0.3, 10 cells, lambda 1 (WDR), pooled over the four quarter turns of the image, second looks at
     * 1.3 and 1.7 times for objects under 64 px.
     */
    public static DecoderConfig defaults() {
        return new DecoderConfig(0.3, 10, 1.0, 4, 64, List.of(1.3, 1.7));
    }

    public DecoderConfig withConfidenceThreshold(double t) {
        return new DecoderConfig(t, cellsPerObject, levelLambda, rotations, zoomBelowPx, zooms);
    }

    public DecoderConfig withCellsPerObject(int n) {
        return new DecoderConfig(confidenceThreshold, n, levelLambda, rotations, zoomBelowPx, zooms);
    }

    public DecoderConfig withRotations(int n) {
        return new DecoderConfig(confidenceThreshold, cellsPerObject, levelLambda, n, zoomBelowPx, zooms);
    }

    public DecoderConfig withZooms(List<Double> magnifications) {
        return new DecoderConfig(confidenceThreshold, cellsPerObject, levelLambda, rotations, zoomBelowPx, magnifications);
    }

    public DecoderConfig withZoomBelowPx(double px) {
        return new DecoderConfig(confidenceThreshold, cellsPerObject, levelLambda, rotations, px, zooms);
    }
}
