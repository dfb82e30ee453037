package dev.mqat.eval;

/**
 * A static 3D k-d tree over a fixed point set, answering nearest-neighbour distance queries.
 *
 * <p>Built once per object model (the ADI error queries it with points moved into the model frame, see
 * {@link PoseErrors#adi}). Split axis per node is the one of largest spread in its range, split at the median,
 * so the tree is balanced; ranges of at most {@value #LEAF_SIZE} points are scanned linearly. Build O(n log n)
 * expected, query O(log n) typical. Immutable after construction and safe to query from several threads.
 */
final class PointKdTree {

    private static final int LEAF_SIZE = 8;

    private final double[] x;
    private final double[] y;
    private final double[] z;
    /** Split axis of the node whose median sits at this index; unused at leaf indexes. */
    private final byte[] axis;

    /** Builds the tree over xyz triples (length 3*n). */
    PointKdTree(float[] pointsXyz) {
        int n = pointsXyz.length / 3;
        x = new double[n];
        y = new double[n];
        z = new double[n];
        axis = new byte[n];
        for (int i = 0; i < n; i++) {
            x[i] = pointsXyz[3 * i];
            y[i] = pointsXyz[3 * i + 1];
            z[i] = pointsXyz[3 * i + 2];
        }
        build(0, n);
    }

    int size() {
        return x.length;
    }

    private double coord(int a, int i) {
        return a == 0 ? x[i] : a == 1 ? y[i] : z[i];
    }

    private void build(int lo, int hi) {
        if (hi - lo <= LEAF_SIZE) {
            return;
        }
        int a = widestAxis(lo, hi);
        int mid = (lo + hi) >>> 1;
        select(lo, hi - 1, mid, a);
        axis[mid] = (byte) a;
        build(lo, mid);
        build(mid + 1, hi);
    }

    private int widestAxis(int lo, int hi) {
        double best = -1;
        int bestAxis = 0;
        for (int a = 0; a < 3; a++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = lo; i < hi; i++) {
                double c = coord(a, i);
                min = Math.min(min, c);
                max = Math.max(max, c);
            }
            if (max - min > best) {
                best = max - min;
                bestAxis = a;
            }
        }
        return bestAxis;
    }

    /** Reorders [left, right] so that index k holds the k-th smallest along axis a (Hoare selection). */
    private void select(int left, int right, int k, int a) {
        while (right > left) {
            int m = (left + right) >>> 1;
            // median of three as pivot, guarding against sorted input
            if (coord(a, m) < coord(a, left)) {
                swap(m, left);
            }
            if (coord(a, right) < coord(a, left)) {
                swap(right, left);
            }
            if (coord(a, right) < coord(a, m)) {
                swap(right, m);
            }
            double pivot = coord(a, m);
            int i = left;
            int j = right;
            while (i <= j) {
                while (coord(a, i) < pivot) {
                    i++;
                }
                while (coord(a, j) > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return;
            }
        }
    }

    private void swap(int i, int j) {
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
        t = y[i];
        y[i] = y[j];
        y[j] = t;
        t = z[i];
        z[i] = z[j];
        z[j] = t;
    }

    /** Squared distance from (qx, qy, qz) to the nearest point of the tree; +infinity for an empty tree. */
    double nearestDistanceSq(double qx, double qy, double qz) {
        return search(0, x.length, qx, qy, qz, Double.POSITIVE_INFINITY);
    }

    /**
     * Like {@link #nearestDistanceSq(double, double, double)}, given an upper bound: the squared distance to
     * some point known to be in the tree. A tight bound prunes most of the search; the result is the same.
     */
    double nearestDistanceSq(double qx, double qy, double qz, double upperBoundSq) {
        return search(0, x.length, qx, qy, qz, upperBoundSq);
    }

    private double search(int lo, int hi, double qx, double qy, double qz, double best) {
        if (hi - lo <= LEAF_SIZE) {
            for (int i = lo; i < hi; i++) {
                double dx = x[i] - qx;
                double dy = y[i] - qy;
                double dz = z[i] - qz;
                double d = dx * dx + dy * dy + dz * dz;
                if (d < best) {
                    best = d;
                }
            }
            return best;
        }
        int mid = (lo + hi) >>> 1;
        double dx = x[mid] - qx;
        double dy = y[mid] - qy;
        double dz = z[mid] - qz;
        double d = dx * dx + dy * dy + dz * dz;
        if (d < best) {
            best = d;
        }
        int a = axis[mid];
        double diff = (a == 0 ? qx : a == 1 ? qy : qz) - coord(a, mid);
        if (diff < 0) {
            best = search(lo, mid, qx, qy, qz, best);
            if (diff * diff < best) {
                best = search(mid + 1, hi, qx, qy, qz, best);
            }
        } else {
            best = search(mid + 1, hi, qx, qy, qz, best);
            if (diff * diff < best) {
                best = search(lo, mid, qx, qy, qz, best);
            }
        }
        return best;
    }
}
