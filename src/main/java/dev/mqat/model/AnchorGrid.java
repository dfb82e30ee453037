package dev.mqat.model;

import java.util.Arrays;

/**
 * The cells of every pyramid level for one input size, in the order of the network's flattened outputs: level by
 * level (finest first), row-major inside a level. Each cell has one square anchor.
 *
 * <p>Cell (row i, column j) of a level with stride s covers input pixels {@code s j .. s j + s - 1}; its centre is
 * {@code (s j + (s - 1) / 2, s i + (s - 1) / 2)} in the convention of {@link dev.mqat.geometry.CameraIntrinsics}
 * (pixel centres at integer coordinates). The visible mask is sampled at pixel {@code (s j + s/2, s i + s/2)}
 * (integer division, clamped to the image), as WDR does.
 *
 * <p>Corner encoding (WDR): for corner k at pixel (u, v), {@code dx = (u - centreX) / anchor},
 * {@code dy = (v - centreY) / anchor}.
 *
 * @param stridesPx stride per level, px
 * @param anchorSizesPx anchor size per level, px
 * @param gridHeights cells per column per level
 * @param gridWidths cells per row per level
 * @param imageHeightPx network input height, px
 * @param imageWidthPx network input width, px
 */
public record AnchorGrid(int[] stridesPx, double[] anchorSizesPx, int[] gridHeights, int[] gridWidths, int imageHeightPx,
        int imageWidthPx) {

    public AnchorGrid {
        int n = stridesPx.length;
        if (anchorSizesPx.length != n || gridHeights.length != n || gridWidths.length != n) {
            throw new IllegalArgumentException("anchor grid: strides, anchors and grid sizes need one value per level ("
                    + n + "), found " + anchorSizesPx.length + ", " + gridHeights.length + ", " + gridWidths.length);
        }
        stridesPx = stridesPx.clone();
        anchorSizesPx = anchorSizesPx.clone();
        gridHeights = gridHeights.clone();
        gridWidths = gridWidths.clone();
    }

    /**
     * The grid the network produces for an input of the given size: levels whose stride divides the backbone's
     * downsampling have {@code size / stride} cells per side, extra stride-2 levels {@code ceil(previous / 2)}.
     */
    public static AnchorGrid of(ModelConfig config, int heightPx, int widthPx) {
        int backboneStride = config.arch().backboneStride();
        if (heightPx % backboneStride != 0 || widthPx % backboneStride != 0) {
            throw new IllegalArgumentException("input " + heightPx + "x" + widthPx + " px: both sides must be multiples of "
                    + backboneStride);
        }
        int[] s = config.stridesPx();
        int[] gh = new int[s.length];
        int[] gw = new int[s.length];
        for (int l = 0; l < s.length; l++) {
            if (s[l] <= backboneStride) {
                gh[l] = heightPx / s[l];
                gw[l] = widthPx / s[l];
            } else {
                gh[l] = (gh[l - 1] + 1) / 2;
                gw[l] = (gw[l - 1] + 1) / 2;
            }
        }
        return new AnchorGrid(s, config.anchorSizesPx(), gh, gw, heightPx, widthPx);
    }

    public int levels() {
        return stridesPx.length;
    }

    /** Total number of cells over all levels. */
    public int cellCount() {
        int n = 0;
        for (int l = 0; l < levels(); l++) {
            n += gridHeights[l] * gridWidths[l];
        }
        return n;
    }

    /** Index of the first cell of a level. */
    public int levelOffset(int level) {
        int n = 0;
        for (int l = 0; l < level; l++) {
            n += gridHeights[l] * gridWidths[l];
        }
        return n;
    }

    /** Number of cells of a level. */
    public int levelCells(int level) {
        return gridHeights[level] * gridWidths[level];
    }

    /** The level a cell belongs to. */
    public int levelOf(int cell) {
        int n = 0;
        for (int l = 0; l < levels(); l++) {
            n += gridHeights[l] * gridWidths[l];
            if (cell < n) {
                return l;
            }
        }
        throw new IllegalArgumentException("cell " + cell + " outside 0.." + (n - 1));
    }

    /** Cell index of (level, row, column). */
    public int cell(int level, int row, int col) {
        return levelOffset(level) + row * gridWidths[level] + col;
    }

    /** Centre x of a cell, px. */
    public double centerXPx(int cell) {
        int l = levelOf(cell);
        int j = (cell - levelOffset(l)) % gridWidths[l];
        return stridesPx[l] * j + (stridesPx[l] - 1) / 2.0;
    }

    /** Centre y of a cell, px. */
    public double centerYPx(int cell) {
        int l = levelOf(cell);
        int i = (cell - levelOffset(l)) / gridWidths[l];
        return stridesPx[l] * i + (stridesPx[l] - 1) / 2.0;
    }

    /** Anchor size of a cell's level, px. */
    public double anchorSizePx(int cell) {
        return anchorSizesPx[levelOf(cell)];
    }

    /** Pixel index {@code y * width + x} where the visible mask is sampled for a cell. */
    public int maskSamplePixel(int cell) {
        int l = levelOf(cell);
        int rel = cell - levelOffset(l);
        int i = rel / gridWidths[l];
        int j = rel % gridWidths[l];
        int x = Math.min(imageWidthPx - 1, stridesPx[l] * j + stridesPx[l] / 2);
        int y = Math.min(imageHeightPx - 1, stridesPx[l] * i + stridesPx[l] / 2);
        return y * imageWidthPx + x;
    }

    /**
     * Encodes 8 projected corners relative to a cell (WDR): {@code dx_k = (u_k - centreX) / anchor},
     * {@code dy_k = (v_k - centreY) / anchor}.
     *
     * @param cornersPx {u0, v0, u1, v1, ..., u7, v7}, px
     * @return {dx0..dx7, dy0..dy7} in anchor units (a new array)
     */
    public float[] encodeCorners(int cell, double[] cornersPx) {
        if (cornersPx.length != 16) {
            throw new IllegalArgumentException("corners: expected 16 values (u, v of 8 corners), found " + cornersPx.length);
        }
        double cx = centerXPx(cell);
        double cy = centerYPx(cell);
        double a = anchorSizePx(cell);
        float[] out = new float[16];
        for (int k = 0; k < 8; k++) {
            out[k] = (float) ((cornersPx[2 * k] - cx) / a);
            out[8 + k] = (float) ((cornersPx[2 * k + 1] - cy) / a);
        }
        return out;
    }

    /**
     * Decodes 16 offsets of a cell back to pixels: the inverse of {@link #encodeCorners(int, double[])}.
     *
     * @param offsets array holding {dx0..dx7, dy0..dy7} at {@code from}
     * @return {u0, v0, ..., u7, v7}, px (a new array)
     */
    public double[] decodeCorners(int cell, float[] offsets, int from) {
        double cx = centerXPx(cell);
        double cy = centerYPx(cell);
        double a = anchorSizePx(cell);
        double[] out = new double[16];
        for (int k = 0; k < 8; k++) {
            out[2 * k] = cx + offsets[from + k] * a;
            out[2 * k + 1] = cy + offsets[from + 8 + k] * a;
        }
        return out;
    }

    /**
     * Per-level share of an object's cells (WDR): level l gets {@code round(total * w_l / sum w)} with
     * {@code w_l = exp(-lambda * log2(sizePx / anchor_l)^2)}, so objects land on the levels whose anchors match
     * their size. Used for positive sampling in training and for cell selection at inference.
     *
     * @param sizePx object size (longer side of the projected corners' box), px
     */
    public int[] levelQuota(double sizePx, int total, double lambda) {
        int n = levels();
        double[] w = new double[n];
        double sum = 0;
        for (int l = 0; l < n; l++) {
            double d = Math.log(sizePx / anchorSizesPx[l]) / Math.log(2);
            w[l] = Math.exp(-lambda * d * d);
            sum += w[l];
        }
        int[] q = new int[n];
        for (int l = 0; l < n; l++) {
            q[l] = sum > 0 ? (int) Math.round(total * w[l] / sum) : 0;
        }
        return q;
    }

    /**
     * Longer side of the bounding box of 8 corners {u0, v0, ..., u7, v7}, px: the object size that picks levels.
     */
    public static double boxSidePx(double[] cornersPx) {
        double[] box = boxPx(cornersPx);
        return Math.max(box[2] - box[0], box[3] - box[1]);
    }

    /** Bounding box {minU, minV, maxU, maxV} of 8 corners {u0, v0, ..., u7, v7}, px. */
    public static double[] boxPx(double[] cornersPx) {
        double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (int k = 0; k < 8; k++) {
            box[0] = Math.min(box[0], cornersPx[2 * k]);
            box[1] = Math.min(box[1], cornersPx[2 * k + 1]);
            box[2] = Math.max(box[2], cornersPx[2 * k]);
            box[3] = Math.max(box[3], cornersPx[2 * k + 1]);
        }
        return box;
    }

    /** The level whose anchor is closest to {@code sizePx} in log scale. */
    public int bestLevel(double sizePx) {
        int best = 0;
        for (int l = 1; l < levels(); l++) {
            if (Math.abs(Math.log(sizePx / anchorSizesPx[l])) < Math.abs(Math.log(sizePx / anchorSizesPx[best]))) {
                best = l;
            }
        }
        return best;
    }

    /** The cell of a level that contains pixel (x, y), clamped to the grid. */
    public int cellAt(int level, double xPx, double yPx) {
        int s = stridesPx[level];
        int j = Math.max(0, Math.min(gridWidths[level] - 1, (int) Math.floor((xPx + 0.5) / s)));
        int i = Math.max(0, Math.min(gridHeights[level] - 1, (int) Math.floor((yPx + 0.5) / s)));
        return cell(level, i, j);
    }

    /** Centre x of every cell, px, in cell order (a new array). */
    public float[] centersXPx() {
        float[] out = new float[cellCount()];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) centerXPx(c);
        }
        return out;
    }

    /** Centre y of every cell, px, in cell order (a new array). */
    public float[] centersYPx() {
        float[] out = new float[cellCount()];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) centerYPx(c);
        }
        return out;
    }

    /** Anchor size of every cell, px, in cell order (a new array). */
    public float[] anchorSizesPerCellPx() {
        float[] out = new float[cellCount()];
        int c = 0;
        for (int l = 0; l < levels(); l++) {
            for (int k = 0; k < levelCells(l); k++) {
                out[c++] = (float) anchorSizesPx[l];
            }
        }
        return out;
    }

    @Override
    public int[] stridesPx() {
        return stridesPx.clone();
    }

    @Override
    public double[] anchorSizesPx() {
        return anchorSizesPx.clone();
    }

    @Override
    public int[] gridHeights() {
        return gridHeights.clone();
    }

    @Override
    public int[] gridWidths() {
        return gridWidths.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorGrid g && Arrays.equals(stridesPx, g.stridesPx) && Arrays.equals(anchorSizesPx, g.anchorSizesPx)
                && Arrays.equals(gridHeights, g.gridHeights) && Arrays.equals(gridWidths, g.gridWidths)
                && imageHeightPx == g.imageHeightPx && imageWidthPx == g.imageWidthPx;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gridHeights) * 31 + Arrays.hashCode(gridWidths);
    }

    @Override
    public String toString() {
        return "AnchorGrid[" + imageWidthPx + "x" + imageHeightPx + " px, strides " + Arrays.toString(stridesPx) + ", anchors "
                + Arrays.toString(anchorSizesPx) + ", " + cellCount() + " cells]";
    }
}
