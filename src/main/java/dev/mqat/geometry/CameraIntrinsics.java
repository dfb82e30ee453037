package dev.mqat.geometry;

/**
 * Pinhole camera intrinsics in pixels (OpenCV convention: +Z forward, +X right, +Y down; pixel centres at
 * integer coordinates).
 *
 * @param fx focal length along x, px
 * @param fy focal length along y, px
 * @param cx principal point x, px
 * @param cy principal point y, px
 * @param width image width, px
 * @param height image height, px
 */
public record CameraIntrinsics(double fx, double fy, double cx, double cy, int width, int height) {

    public CameraIntrinsics {
        if (!(fx > 0) || !(fy > 0)) {
            throw new IllegalArgumentException("camera: focal lengths must be positive, found fx=" + fx + " fy=" + fy);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("camera: image size must be positive, found " + width + "x" + height);
        }
    }

    /** Builds intrinsics from a row-major 3x3 matrix K (BOP {@code cam_K}). */
    public static CameraIntrinsics fromMatrix(double[] k, int width, int height) {
        if (k.length != 9) {
            throw new IllegalArgumentException("camera: K has " + k.length + " values, expected 9");
        }
        return new CameraIntrinsics(k[0], k[4], k[2], k[5], width, height);
    }

    /** Row-major 3x3 matrix K. */
    public double[] matrix() {
        return new double[] {fx, 0, cx, 0, fy, cy, 0, 0, 1};
    }

    /**
     * Projects a camera-frame point (mm) to pixels.
     *
     * @return {u, v}; NaN for points at or behind the camera plane
     */
    public double[] project(double[] pointCameraMm) {
        double z = pointCameraMm[2];
        if (!(z > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {fx * pointCameraMm[0] / z + cx, fy * pointCameraMm[1] / z + cy};
    }

    /** Same camera seen through an image resized by (sx, sy) to the given size. */
    public CameraIntrinsics scaled(double sx, double sy, int newWidth, int newHeight) {
        // pixel centres at integer coordinates: u' = (u + 0.5) * s - 0.5
        return new CameraIntrinsics(fx * sx, fy * sy, (cx + 0.5) * sx - 0.5, (cy + 0.5) * sy - 0.5, newWidth, newHeight);
    }
}
