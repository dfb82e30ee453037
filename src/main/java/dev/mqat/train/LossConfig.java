package dev.mqat.train;


/**
 * Settings of target assignment and of the training loss (WDR, reference-code.md sections 2.7-2.8).
 *
 * @param positivesPerObject positive cells sampled per object, spread over levels (default 10)
 * @param levelLambda sharpness of the spread over levels: weight {@code exp(-lambda d^2)} with
 *     {@code d = |log2(size / anchor)|} (default 1.0)
 * @param focalGamma focusing exponent of the sigmoid focal loss (default 2.0)
 * @param focalAlpha weight of positives in the focal loss (default 0.25)
 * @param classificationWeight factor on the focal loss (default 1.0)
 * @param regressionWeight factor on the object-space loss (default 1.0)
 * @param smoothL1BetaDiameters knee of the smooth-L1 on object-space errors, in object diameters (default 0.02)
 */
public record LossConfig(int positivesPerObject, double levelLambda, double focalGamma, double focalAlpha,
        double classificationWeight, double regressionWeight, double smoothL1BetaDiameters) {

    /** WDR's knee of the object-space smooth-L1, in object diameters. */
    public static final double DEFAULT_SMOOTH_L1_KNEE = 0.02;

    public LossConfig {
        if (positivesPerObject < 1) {
            throw new IllegalArgumentException("loss.positivesPerObject: must be at least 1, found " + positivesPerObject);
        }
        if (!(levelLambda > 0) || Double.isInfinite(levelLambda)) {
            throw new IllegalArgumentException("loss.levelLambda: must be positive, found " + levelLambda);
        }
        if (!(focalGamma >= 0) || Double.isInfinite(focalGamma)) {
            throw new IllegalArgumentException("loss.focalGamma: must be >= 0, found " + focalGamma);
        }
        if (!(focalAlpha > 0 && focalAlpha < 1)) {
            throw new IllegalArgumentException("loss.focalAlpha: must be in (0, 1), found " + focalAlpha);
        }
        if (!(classificationWeight >= 0) || !(regressionWeight >= 0) || classificationWeight + regressionWeight == 0
                || Double.isInfinite(classificationWeight + regressionWeight)) {
            throw new IllegalArgumentException("loss.classificationWeight/regressionWeight: must be >= 0, finite and not both 0, found "
                    + classificationWeight + " and " + regressionWeight);
        }
        if (!(smoothL1BetaDiameters > 0) || Double.isInfinite(smoothL1BetaDiameters)) {
            throw new IllegalArgumentException("loss.smoothL1BetaDiameters: must be positive, found " + smoothL1BetaDiameters);
        }
    }

    /** 10 positives, lambda 1, gamma 2, alpha 0.25, weights 1 and 1, knee 0.02 diameters. */
    public static LossConfig defaults() {
        return new LossConfig(10, 1.0, 2.0, 0.25, 1.0, 1.0, DEFAULT_SMOOTH_L1_KNEE);
    }

    public LossConfig withPositivesPerObject(int n) {
        return new LossConfig(n, levelLambda, focalGamma, focalAlpha, classificationWeight, regressionWeight,
                smoothL1BetaDiameters);
    }

    public LossConfig withSmoothL1BetaDiameters(double knee) {
        return new LossConfig(positivesPerObject, levelLambda, focalGamma, focalAlpha, classificationWeight, regressionWeight,
                knee);
    }

    public LossConfig withWeights(double classification, double regression) {
        return new LossConfig(positivesPerObject, levelLambda, focalGamma, focalAlpha, classification, regression,
                smoothL1BetaDiameters);
    }
}
