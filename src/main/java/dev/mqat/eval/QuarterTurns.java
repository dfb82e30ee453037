package dev.mqat.eval;

import ai.djl.ndarray.NDArray;

/**
 * Quarter turns of square network inputs, the extra views {@link PosePredictor} pools. A quarter turn permutes
 * pixels exactly (no resampling), and training's in-plane rotation augmentation shows the network objects at
 * every roll, so each view gives its own estimate of the same corners; pooling them into one PnP averages
 * errors that a single view would keep.
 *
 * <p>One turn is {@code torch.rot90} over the (row, column) axes: the turned image's pixel (u', v') is the
 * original's (n - 1 - v', u'), pixel centres at integer coordinates as in {@code CameraIntrinsics}.
 */
final class QuarterTurns {

    private QuarterTurns() {}

    /** A batch {@code [N, C, n, n]} turned {@code turns} times. */
    static NDArray turn(NDArray batch, int turns) {
        return turns % 4 == 0 ? batch : batch.rotate90(turns, new int[] {2, 3});
    }

    /**
     * Maps points found in an image turned {@code turns} times back to the unturned image.
     *
     * @param pointsPx {u, v} pairs in the turned image, px; changed in place
     * @param sizePx side of the square image
     */
    static void unturn(double[] pointsPx, int turns, int sizePx) {
        for (int t = 0; t < turns % 4; t++) {
            for (int i = 0; i < pointsPx.length; i += 2) {
                double u = pointsPx[i];
                pointsPx[i] = sizePx - 1 - pointsPx[i + 1];
                pointsPx[i + 1] = u;
            }
        }
    }
}
