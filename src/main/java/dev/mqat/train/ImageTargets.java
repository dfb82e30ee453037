package dev.mqat.train;

import dev.mqat.geometry.CameraIntrinsics;
import java.util.Arrays;

/**
 * Training targets of one image for every cell of the {@link dev.mqat.model.AnchorGrid}.
 *
 * @param labels per cell: -1 ignored (inside an object mask but not sampled), 0 background, {@code c + 1} positive
 *     for class c
 * @param offsets per cell 16 encoded corner offsets {dx0..dx7, dy0..dy7} in anchor units (0 unless positive)
 * @param cornersCameraMm per cell the 24 camera-frame corner coordinates of its object, mm (0 unless positive)
 * @param diametersMm per cell its object's diameter, mm (0 unless positive)
 * @param camera intrinsics of the network input, for the viewing rays of the object-space loss
 */
public record ImageTargets(int[] labels, float[] offsets, float[] cornersCameraMm, float[] diametersMm,
        CameraIntrinsics camera) {

    public ImageTargets {
        int a = labels.length;
        if (offsets.length != 16 * a || cornersCameraMm.length != 24 * a || diametersMm.length != a) {
            throw new IllegalArgumentException("targets: sizes do not match " + a + " cells: offsets " + offsets.length
                    + ", corners " + cornersCameraMm.length + ", diameters " + diametersMm.length);
        }
        labels = labels.clone();
        offsets = offsets.clone();
        cornersCameraMm = cornersCameraMm.clone();
        diametersMm = diametersMm.clone();
    }

    public int cellCount() {
        return labels.length;
    }

    /** Number of positive cells. */
    public int positiveCount() {
        int n = 0;
        for (int l : labels) {
            if (l > 0) {
                n++;
            }
        }
        return n;
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public float[] offsets() {
        return offsets.clone();
    }

    @Override
    public float[] cornersCameraMm() {
        return cornersCameraMm.clone();
    }

    @Override
    public float[] diametersMm() {
        return diametersMm.clone();
    }

    /** Label of one cell, without copying. */
    public int label(int cell) {
        return labels[cell];
    }

    /** Diameter of the object that owns {@code cell}, mm (0 unless positive), without copying. */
    public float diameterMm(int cell) {
        return diametersMm[cell];
    }

    /** Copies the 24 camera-frame corner coordinates of {@code cell} into {@code out} at {@code offset}. */
    public void copyCellCorners(int cell, float[] out, int offset) {
        System.arraycopy(cornersCameraMm, 24 * cell, out, offset, 24);
    }

    /** Copies this image's arrays into batch buffers at image slot {@code n} (fills the caller's buffers). */
    void copyInto(int n, int[] labelsOut, float[] offsetsOut, float[] cornersOut, float[] diametersOut) {
        int a = labels.length;
        System.arraycopy(labels, 0, labelsOut, n * a, a);
        System.arraycopy(offsets, 0, offsetsOut, n * 16 * a, 16 * a);
        System.arraycopy(cornersCameraMm, 0, cornersOut, n * 24 * a, 24 * a);
        System.arraycopy(diametersMm, 0, diametersOut, n * a, a);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageTargets t && Arrays.equals(labels, t.labels) && Arrays.equals(offsets, t.offsets)
                && Arrays.equals(cornersCameraMm, t.cornersCameraMm) && Arrays.equals(diametersMm, t.diametersMm)
                && camera.equals(t.camera);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "ImageTargets[" + labels.length + " cells, " + positiveCount() + " positive]";
    }
}
