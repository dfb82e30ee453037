package dev.mqat.model;

/**
 * Settings of {@link CornerDecoder} (WDR post-processing).
 *
 * @param confidenceThreshold cells whose class probability exceeds this are candidates (default 0.3)
 * @param cellsPerObject cells pooled per object, spread over levels by predicted size (default 10)
 * @param levelLambda sharpness of the level spread, as in training (default 1.0)
 */
public record DecoderConfig(double confidenceThreshold, int cellsPerObject, double levelLambda) {

    public DecoderConfig {
        if (!(confidenceThreshold >= 0 && confidenceThreshold < 1)) {
            throw new IllegalArgumentException("decoder.confidenceThreshold: must be in [0, 1), found " + confidenceThreshold);
        }
        if (cellsPerObject < 1) {
            throw new IllegalArgumentException("decoder.cellsPerObject: must be at least 1, found " + cellsPerObject);
        }
        if (!(levelLambda > 0) || Double.isInfinite(levelLambda)) {
            throw new IllegalArgumentException("decoder.levelLambda: must be positive, found " + levelLambda);
        }
    }

    /** Threshold 0.3, 10 cells, lambda 1 (WDR). */
    public static DecoderConfig defaults() {
        return new DecoderConfig(0.3, 10, 1.0);
    }

    public DecoderConfig withConfidenceThreshold(double t) {
        return new DecoderConfig(t, cellsPerObject, levelLambda);
    }

    public DecoderConfig withCellsPerObject(int n) {
        return new DecoderConfig(confidenceThreshold, n, levelLambda);
    }
}
