package dev.mqat.data;

/**
 * An axis-aligned image box as BOP writes it: {@code [x, y, width, height]} in pixels, (x, y) the top-left
 * pixel.
 *
 * <p>BOP writes {@code [-1, -1, -1, -1]} (a box with negative size) for an object with no visible pixel;
 * such a box is kept as read and reports {@link #isEmpty()}.
 *
 * @param x left column, px
 * @param y top row, px
 * @param width width, px
 * @param height height, px
 */
public record PixelBox(int x, int y, int width, int height) {

    /** True when the box covers no pixel. */
    public boolean isEmpty() {
        return width <= 0 || height <= 0;
    }

    /** {x, y, width, height}. */
    public int[] toArray() {
        return new int[] {x, y, width, height};
    }
}
