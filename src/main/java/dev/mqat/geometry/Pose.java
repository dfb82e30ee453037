package dev.mqat.geometry;

import java.util.Arrays;

/**
 * A rigid transform from the object (model) frame to the camera frame: {@code x_cam = R x_obj + t}.
 *
 * <p>BOP's {@code cam_R_m2c} / {@code cam_t_m2c} map to it one to one.
 *
 * @param rotation row-major 3x3 rotation matrix (9 values)
 * @param translationMm translation in millimetres (3 values)
 */
public record Pose(double[] rotation, double[] translationMm) {

    public Pose {
        if (rotation.length != 9) {
            throw new IllegalArgumentException("pose: rotation has " + rotation.length + " values, expected 9");
        }
        if (translationMm.length != 3) {
            throw new IllegalArgumentException("pose: translation has " + translationMm.length + " values, expected 3");
        }
        rotation = rotation.clone();
        translationMm = translationMm.clone();
    }

    /** The identity rotation at the given translation. */
    public static Pose identityAt(double x, double y, double z) {
        return new Pose(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {x, y, z});
    }

    @Override
    public double[] rotation() {
        return rotation.clone();
    }

    @Override
    public double[] translationMm() {
        return translationMm.clone();
    }

    /** Element (row, col) of R. */
    public double r(int row, int col) {
        return rotation[row * 3 + col];
    }

    /** Element i of t, mm. */
    public double t(int i) {
        return translationMm[i];
    }

    /** Transforms an object-frame point (mm) into the camera frame; fills and returns {@code out}. */
    public double[] apply(double x, double y, double z, double[] out) {
        double[] r = rotation;
        out[0] = r[0] * x + r[1] * y + r[2] * z + translationMm[0];
        out[1] = r[3] * x + r[4] * y + r[5] * z + translationMm[1];
        out[2] = r[6] * x + r[7] * y + r[8] * z + translationMm[2];
        return out;
    }

    /** Transforms an object-frame point (mm) into the camera frame. */
    public double[] apply(double[] pointObjectMm) {
        return apply(pointObjectMm[0], pointObjectMm[1], pointObjectMm[2], new double[3]);
    }

    /** {@code this ∘ other}: first {@code other}, then this. */
    public Pose compose(Pose other) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += rotation[i * 3 + k] * other.rotation[k * 3 + j];
                }
                r[i * 3 + j] = s;
            }
        }
        double[] t = apply(other.translationMm);
        return new Pose(r, t);
    }

    /** The inverse transform (camera to object). */
    public Pose inverse() {
        double[] rt = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rt[i * 3 + j] = rotation[j * 3 + i];
            }
        }
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            t[i] = -(rt[i * 3] * translationMm[0] + rt[i * 3 + 1] * translationMm[1] + rt[i * 3 + 2] * translationMm[2]);
        }
        return new Pose(rt, t);
    }

    /** Angle of the relative rotation between this pose and another, in degrees (0..180). */
    public double rotationErrorDeg(Pose other) {
        double trace = 0;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                trace += rotation[k * 3 + i] * other.rotation[k * 3 + i];
            }
        }
        double c = Math.max(-1, Math.min(1, (trace - 1) / 2));
        return Math.toDegrees(Math.acos(c));
    }

    /** Euclidean distance between the translations, mm. */
    public double translationErrorMm(Pose other) {
        double dx = translationMm[0] - other.translationMm[0];
        double dy = translationMm[1] - other.translationMm[1];
        double dz = translationMm[2] - other.translationMm[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pose p && Arrays.equals(rotation, p.rotation) && Arrays.equals(translationMm, p.translationMm);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rotation) + Arrays.hashCode(translationMm);
    }

    @Override
    public String toString() {
        return "Pose[R=" + Arrays.toString(rotation) + ", tMm=" + Arrays.toString(translationMm) + "]";
    }
}
