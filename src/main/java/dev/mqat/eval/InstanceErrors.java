package dev.mqat.eval;

import dev.mqat.geometry.Pose;

/**
 * All pose errors of one estimate against its ground truth.
 *
 * @param addMm ADD error, mm ({@link PoseErrors#add})
 * @param adiMm ADI (ADD-S) error, mm ({@link PoseErrors#adi})
 * @param projectionPx 2D projection error, px; +infinity when the estimate puts a point behind the camera
 * @param rotationDeg rotation error, degrees
 * @param translationMm translation error, mm
 */
public record InstanceErrors(double addMm, double adiMm, double projectionPx, double rotationDeg,
        double translationMm) {

    /** Computes every error of {@code estimate} against {@code target}'s truth over all its model points. */
    public static InstanceErrors of(Pose estimate, EvalTarget target) {
        Pose truth = target.truth();
        ModelPoints model = target.model();
        return new InstanceErrors(
                PoseErrors.add(estimate, truth, model),
                PoseErrors.adi(estimate, truth, model),
                PoseErrors.projectionErrorPx(estimate, truth, model, target.camera()),
                PoseErrors.rotationErrorDeg(estimate, truth),
                PoseErrors.translationErrorMm(estimate, truth));
    }
}
