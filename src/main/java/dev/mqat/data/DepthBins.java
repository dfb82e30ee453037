package dev.mqat.data;

import java.util.Arrays;
import java.util.Collection;

/**
 * Near / medium / far: three equal-width bins over a set of ground-truth depths (t_z of
 * {@code objectToCamera}, mm), as the SwissCube evaluation splits its test set.
 *
 * <p>Bin i holds depths in [edge i, edge i+1); the far bin also holds its upper edge. Depths outside the
 * range (other data scored against these edges) fall into the nearest end bin. When all depths are equal the
 * range is empty and every depth is {@link DepthBin#NEAR}.
 *
 * @param edgesMm 4 ascending edges: min depth, min + range/3, min + 2 range/3, max depth, mm
 */
public record DepthBins(double[] edgesMm) {

    public DepthBins {
        if (edgesMm.length != 4) {
            throw new IllegalArgumentException("depth bins need 4 edges, found " + edgesMm.length);
        }
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(edgesMm[i]) || (i > 0 && edgesMm[i] < edgesMm[i - 1])) {
                throw new IllegalArgumentException("depth bin edges must be finite and ascending, found "
                        + Arrays.toString(edgesMm));
            }
        }
        edgesMm = edgesMm.clone();
    }

    /**
     * Bins over the range of the given depths.
     *
     * @throws IllegalArgumentException when there are no depths or one is not finite
     */
    public static DepthBins over(double[] depthsMm) {
        if (depthsMm.length == 0) {
            throw new IllegalArgumentException("depth bins need at least one depth");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : depthsMm) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("depth " + d + " is not finite");
            }
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        double w = (hi - lo) / 3;
        return new DepthBins(new double[] {lo, lo + w, lo + 2 * w, hi});
    }

    /** Bins over the depths of the ground-truth instances of some images. */
    public static DepthBins over(Collection<BopImage> images) {
        int n = 0;
        for (BopImage im : images) {
            n += im.groundTruths().size();
        }
        double[] d = new double[n];
        int i = 0;
        for (BopImage im : images) {
            for (GroundTruth gt : im.groundTruths()) {
                d[i++] = gt.instance().depthMm();
            }
        }
        return over(d);
    }

    @Override
    public double[] edgesMm() {
        return edgesMm.clone();
    }

    public double minMm() {
        return edgesMm[0];
    }

    public double maxMm() {
        return edgesMm[3];
    }

    /** The bin of a depth, mm. */
    public DepthBin binOf(double depthMm) {
        if (depthMm < edgesMm[1] || edgesMm[3] == edgesMm[0]) {
            return DepthBin.NEAR;
        }
        return depthMm < edgesMm[2] ? DepthBin.MEDIUM : DepthBin.FAR;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DepthBins b && Arrays.equals(edgesMm, b.edgesMm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(edgesMm);
    }

    @Override
    public String toString() {
        return "DepthBins" + Arrays.toString(edgesMm);
    }
}
