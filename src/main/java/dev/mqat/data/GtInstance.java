package dev.mqat.data;

import dev.mqat.geometry.Pose;
import java.util.Objects;

/**
 * One ground-truth object instance in an image (an entry of BOP {@code scene_gt.json}).
 *
 * @param objId BOP object id
 * @param objectToCamera model-to-camera pose (BOP {@code cam_R_m2c}, {@code cam_t_m2c} in mm)
 */
public record GtInstance(int objId, Pose objectToCamera) {

    public GtInstance {
        if (objId <= 0) {
            throw new IllegalArgumentException("obj_id must be positive, found " + objId);
        }
        Objects.requireNonNull(objectToCamera, "objectToCamera");
    }

    /** Depth of the model origin in the camera frame (t_z), mm. */
    public double depthMm() {
        return objectToCamera.t(2);
    }
}
