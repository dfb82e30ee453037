package dev.mqat.eval;

import java.util.Arrays;

/**
 * Three equal-width bins over the ground-truth depths (t_z) of an evaluated set, as the SwissCube evaluation
 * splits its results into near, medium and far.
 *
 * <p>Edges d0 = smallest depth, d3 = largest, d1 = d0 + (d3 - d0) / 3, d2 = d0 + 2 (d3 - d0) / 3. A depth
 * below d1 is near, below d2 medium, otherwise far (so the deepest instance is far). When every depth is the
 * same (d0 = d3) all instances are near. An empty set has NaN edges.
 *
 * @param edgesMm the four edges d0..d3, mm
 */
public record DepthBins(double[] edgesMm) {

    public DepthBins {
        if (edgesMm.length != 4) {
            throw new IllegalArgumentException("depth bins: " + edgesMm.length + " edges, expected 4");
        }
        edgesMm = edgesMm.clone();
    }

    /** The bins of a set of ground-truth depths, mm. */
    public static DepthBins of(double[] depthsMm) {
        if (depthsMm.length == 0) {
            return new DepthBins(new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : depthsMm) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        double w = (hi - lo) / 3;
        return new DepthBins(new double[] {lo, lo + w, lo + 2 * w, hi});
    }

    @Override
    public double[] edgesMm() {
        return edgesMm.clone();
    }

    /** The bin of a depth, mm. */
    public DepthBin binOf(double depthMm) {
        if (edgesMm[3] == edgesMm[0] || depthMm < edgesMm[1]) {
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
