package dev.mqat.geometry;

/**
 * A pose found by {@link PnpSolver}.
 *
 * @param objectToCamera the pose, rotation and translation in mm
 * @param inliers ascending indexes of the correspondences whose reprojection error under {@code objectToCamera}
 *     is within the RANSAC threshold
 * @param meanInlierErrorPx mean reprojection error over the inliers, px
 */
public record PnpResult(Pose objectToCamera, int[] inliers, double meanInlierErrorPx) {

    public PnpResult {
        inliers = inliers.clone();
    }

    @Override
    public int[] inliers() {
        return inliers.clone();
    }

    /** Number of inliers. */
    public int inlierCount() {
        return inliers.length;
    }
}
