package dev.mqat.data;

import java.util.Arrays;

/**
 * A continuous rotational symmetry of an object (BOP {@code symmetries_continuous} entry): the object looks
 * the same after any rotation about {@code axis} through {@code offsetMm}.
 *
 * @param axis rotation axis in the object frame, 3 values (BOP stores it unnormalised as given)
 * @param offsetMm a point on the axis in the object frame, 3 values, mm
 */
public record ContinuousSymmetry(double[] axis, double[] offsetMm) {

    public ContinuousSymmetry {
        if (axis.length != 3) {
            throw new IllegalArgumentException("axis has " + axis.length + " values, expected 3");
        }
        if (offsetMm.length != 3) {
            throw new IllegalArgumentException("offset has " + offsetMm.length + " values, expected 3");
        }
        axis = axis.clone();
        offsetMm = offsetMm.clone();
    }

    @Override
    public double[] axis() {
        return axis.clone();
    }

    @Override
    public double[] offsetMm() {
        return offsetMm.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContinuousSymmetry c && Arrays.equals(axis, c.axis) && Arrays.equals(offsetMm, c.offsetMm);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(axis) + Arrays.hashCode(offsetMm);
    }

    @Override
    public String toString() {
        return "ContinuousSymmetry[axis=" + Arrays.toString(axis) + ", offsetMm=" + Arrays.toString(offsetMm) + "]";
    }
}
