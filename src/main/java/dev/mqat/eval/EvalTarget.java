package dev.mqat.eval;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;

/**
 * One ground-truth object instance to be scored: a row of what {@link PoseEvaluator} evaluates.
 *
 * @param key scene, image and object of the instance
 * @param truth the ground-truth pose (BOP {@code cam_R_m2c}, {@code cam_t_m2c})
 * @param camera the image's intrinsics (for the 2D projection error)
 * @param model the object's points and diameter; share one instance per object
 */
public record EvalTarget(PoseKey key, Pose truth, CameraIntrinsics camera, ModelPoints model) {

    public EvalTarget {
        if (key == null || truth == null || camera == null || model == null) {
            throw new IllegalArgumentException("eval target: key, truth, camera and model must not be null");
        }
    }

    /** Ground-truth depth (t_z), mm: what the near/medium/far bins are made of. */
    public double depthMm() {
        return truth.t(2);
    }
}
