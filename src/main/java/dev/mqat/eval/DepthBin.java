package dev.mqat.eval;

/**
 * Near, medium and far: the three equal-width ground-truth depth bins of the SwissCube evaluation.
 *
 * @see DepthBins
 */
public enum DepthBin {
    /**
     * Depth in [d0, d1).
     *
     * @see DepthBins#binOf(double)
     */
    NEAR,
    /**
     * Depth in [d1, d2).
     *
     * @see DepthBins#binOf(double)
     */
    MEDIUM,
    /**
     * Depth in [d2, d3], the deepest instance included.
     *
     * @see DepthBins#binOf(double)
     */
    FAR;

    /** Lower-case name as used in JSON ({@code near}, {@code medium}, {@code far}). */
    public String jsonName() {
        return switch (this) {
            case NEAR -> "near";
            case MEDIUM -> "medium";
            case FAR -> "far";
        };
    }
}
