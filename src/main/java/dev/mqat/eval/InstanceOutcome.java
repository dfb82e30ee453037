package dev.mqat.eval;

/**
 * The evaluation of one ground-truth instance.
 *
 * @param key scene, image and object
 * @param depthMm ground-truth depth t_z, mm
 * @param diameterMm object diameter, mm
 * @param errors the errors of the matched estimate, or null when no estimate was given (a failure under every
 *     threshold)
 */
public record InstanceOutcome(PoseKey key, double depthMm, double diameterMm, InstanceErrors errors) {

    public boolean hasEstimate() {
        return errors != null;
    }

    /** ADD below {@code fraction} of the diameter (false without an estimate). */
    public boolean addBelow(double fraction) {
        return errors != null && errors.addMm() < fraction * diameterMm;
    }

    /** ADI below {@code fraction} of the diameter (false without an estimate). */
    public boolean adiBelow(double fraction) {
        return errors != null && errors.adiMm() < fraction * diameterMm;
    }

    /** 2D projection error below {@code thresholdPx} (false without an estimate). */
    public boolean projectionBelow(double thresholdPx) {
        return errors != null && errors.projectionPx() < thresholdPx;
    }
}
