package dev.mqat.data;

/** The three depth bins of the SwissCube evaluation, nearest first. */
public enum DepthBin {
    /**
     * First third of the ground-truth depth range.
     *
     * @see DepthBins
     */
    NEAR,
    /**
     * Middle third of the ground-truth depth range.
     *
     * @see DepthBins
     */
    MEDIUM,
    /**
     * Last third of the ground-truth depth range.
     *
     * @see DepthBins
     */
    FAR;

    /** Lower-case name used in JSON and reports ({@code near}, {@code medium}, {@code far}). */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
