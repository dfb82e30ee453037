package dev.mqat.geometry;

/**
 * Projects object-frame points into an image through a pose and a pinhole camera.
 *
 * <p>{@code [u v 1]^T ~ K (R x + t)}, the BOP convention; pixel centres at integer coordinates. Points at or
 * behind the camera plane ({@code z <= 0} in the camera frame) project to NaN, so that callers decide what a
 * point behind the camera means for them instead of receiving a mirrored pixel.
 */
public final class Projection {

    private Projection() {}

    /**
     * Projects object-frame points to pixels.
     *
     * @param objectToCamera the pose, mm
     * @param camera the intrinsics, px
     * @param pointsObjectMm N rows of {x, y, z}, object frame, mm
     * @return N rows of {u, v}, px; {NaN, NaN} for a point at or behind the camera plane
     */
    public static double[][] project(Pose objectToCamera, CameraIntrinsics camera, double[][] pointsObjectMm) {
        double[][] px = new double[pointsObjectMm.length][];
        double[] cam = new double[3];
        for (int i = 0; i < px.length; i++) {
            double[] p = pointsObjectMm[i];
            objectToCamera.apply(p[0], p[1], p[2], cam);
            px[i] = camera.project(cam);
        }
        return px;
    }

    /**
     * Projects a flat array of object-frame points (as {@link Mesh#vertices()}) to pixels.
     *
     * @param verticesObjectMm xyz per point, length 3*N, mm
     * @return uv per point, length 2*N, px; NaN pairs for points at or behind the camera plane
     */
    public static double[] projectFlat(Pose objectToCamera, CameraIntrinsics camera, float[] verticesObjectMm) {
        if (verticesObjectMm.length % 3 != 0) {
            throw new IllegalArgumentException("projection: point array length " + verticesObjectMm.length
                    + " is not a multiple of 3");
        }
        int n = verticesObjectMm.length / 3;
        double[] uv = new double[2 * n];
        double[] cam = new double[3];
        double fx = camera.fx();
        double fy = camera.fy();
        double cx = camera.cx();
        double cy = camera.cy();
        for (int i = 0; i < n; i++) {
            objectToCamera.apply(verticesObjectMm[3 * i], verticesObjectMm[3 * i + 1], verticesObjectMm[3 * i + 2], cam);
            if (cam[2] > 0) {
                uv[2 * i] = fx * cam[0] / cam[2] + cx;
                uv[2 * i + 1] = fy * cam[1] / cam[2] + cy;
            } else {
                uv[2 * i] = Double.NaN;
                uv[2 * i + 1] = Double.NaN;
            }
        }
        return uv;
    }

    /**
     * The 8 bounding-box corners of a mesh projected to pixels, in {@link Mesh#bboxCorners()} order.
     *
     * @return 8 rows of {u, v}, px
     */
    public static double[][] projectBboxCorners(Pose objectToCamera, CameraIntrinsics camera, Mesh mesh) {
        return project(objectToCamera, camera, mesh.bboxCorners());
    }
}
