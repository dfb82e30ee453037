package dev.mqat.synth;

import java.util.Arrays;
import java.util.Comparator;

/** 2D convex hull (Andrew's monotone chain) and point distance for the renderer tests. */
final class Hull {
    private Hull() {}

    /** Counter-clockwise hull in y-up terms (any consistent orientation works for {@link #distanceOutside}). */
    static double[][] convexHull(double[][] points) {
        double[][] p = points.clone();
        Arrays.sort(p, Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
        double[][] hull = new double[2 * p.length][];
        int k = 0;
        for (double[] q : p) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], q) <= 0) {
                k--;
            }
            hull[k++] = q;
        }
        for (int i = p.length - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) {
                k--;
            }
            hull[k++] = p[i];
        }
        return Arrays.copyOf(hull, k - 1);
    }

    private static double cross(double[] o, double[] a, double[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** Largest distance of (x, y) outside any hull edge's line; <= 0 when inside. */
    static double distanceOutside(double[][] hull, double x, double y) {
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < hull.length; i++) {
            double[] a = hull[i], b = hull[(i + 1) % hull.length];
            double ex = b[0] - a[0], ey = b[1] - a[1];
            double len = Math.hypot(ex, ey);
            if (len == 0) {
                continue;
            }
            // the hull runs counter-clockwise (left turns), so the inside is to the left: cross > 0
            double outside = -((ex * (y - a[1]) - ey * (x - a[0])) / len);
            worst = Math.max(worst, outside);
        }
        return worst;
    }
}
