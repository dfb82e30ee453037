package dev.mqat.eval;

import dev.mqat.geometry.Pose;

/**
 * One estimated pose, a row of a BOP19 results file.
 *
 * @param key scene, image and object the estimate is for
 * @param score confidence; when several estimates exist for one key, the highest score is used first
 * @param objectToCamera the estimated pose (BOP {@code R}, {@code t} in mm)
 * @param timeSeconds time the method took for the image, s; -1 when not measured (BOP convention)
 */
public record PoseEstimate(PoseKey key, double score, Pose objectToCamera, double timeSeconds) {

    public PoseEstimate {
        if (key == null || objectToCamera == null) {
            throw new IllegalArgumentException("pose estimate: key and objectToCamera must not be null");
        }
    }
}
