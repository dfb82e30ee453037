package dev.mqat.train;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.Arrays;

/**
 * One object instance of one training image, in the network input's pixel frame.
 *
 * @param classIndex 0-based class
 * @param cornersPx the 8 projected box corners {u0, v0, ..., u7, v7}, network-input px
 * @param cornersCameraMm the same corners in the camera frame {x0, y0, z0, ..., z7}, mm
 * @param diameterMm object diameter, mm (the unit of the object-space loss)
 * @param visibleMask visible-instance mask, row-major {@code height * width} of the network input
 */
public record ObjectInstance(int classIndex, double[] cornersPx, double[] cornersCameraMm, double diameterMm,
        boolean[] visibleMask) {

    public ObjectInstance {
        if (classIndex < 0) {
            throw new IllegalArgumentException("object: class index must be >= 0, found " + classIndex);
        }
        if (cornersPx.length != 16) {
            throw new IllegalArgumentException("object: expected 16 corner pixel values, found " + cornersPx.length);
        }
        if (cornersCameraMm.length != 24) {
            throw new IllegalArgumentException("object: expected 24 camera-frame corner values, found " + cornersCameraMm.length);
        }
        if (!(diameterMm > 0)) {
            throw new IllegalArgumentException("object: diameter must be positive, found " + diameterMm);
        }
        cornersPx = cornersPx.clone();
        cornersCameraMm = cornersCameraMm.clone();
        visibleMask = visibleMask.clone();
    }

    /**
     * Projects the object's box corners with its pose.
     *
     * @param objectToCamera pose of the object
     * @param cornersObjectMm 8 box corners {x, y, z}, object frame, mm ({@link dev.mqat.geometry.Mesh#bboxCorners()})
     * @param camera intrinsics of the network input (after resizing)
     */
    public static ObjectInstance of(int classIndex, Pose objectToCamera, double[][] cornersObjectMm, CameraIntrinsics camera,
            double diameterMm, boolean[] visibleMask) {
        double[] px = new double[16];
        double[] cam = new double[24];
        for (int k = 0; k < 8; k++) {
            double[] x = objectToCamera.apply(cornersObjectMm[k]);
            System.arraycopy(x, 0, cam, 3 * k, 3);
            double[] uv = camera.project(x);
            px[2 * k] = uv[0];
            px[2 * k + 1] = uv[1];
        }
        return new ObjectInstance(classIndex, px, cam, diameterMm, visibleMask);
    }

    @Override
    public double[] cornersPx() {
        return cornersPx.clone();
    }

    @Override
    public double[] cornersCameraMm() {
        return cornersCameraMm.clone();
    }

    @Override
    public boolean[] visibleMask() {
        return visibleMask.clone();
    }

    /** Whether pixel {@code index} (row-major) is visible, without copying the mask. */
    public boolean visibleAt(int index) {
        return visibleMask[index];
    }

    /** Number of mask pixels. */
    public int maskLength() {
        return visibleMask.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectInstance x && classIndex == x.classIndex && diameterMm == x.diameterMm
                && Arrays.equals(cornersPx, x.cornersPx) && Arrays.equals(cornersCameraMm, x.cornersCameraMm)
                && Arrays.equals(visibleMask, x.visibleMask);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cornersPx) * 31 + classIndex;
    }

    @Override
    public String toString() {
        return "ObjectInstance[class " + classIndex + ", corners " + Arrays.toString(cornersPx) + "]";
    }
}
