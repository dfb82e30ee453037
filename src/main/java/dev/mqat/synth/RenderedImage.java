package dev.mqat.synth;

/**
 * One rendered image with its visible mask and visibility info.
 *
 * @param width image width, px
 * @param height image height, px
 * @param rgb 8-bit RGB, row-major, 3 bytes per pixel
 * @param maskVisib visible object mask, 1 byte per pixel, 255 for object and 0 elsewhere
 * @param visibility BOP {@code scene_gt_info} values of the object
 */
public record RenderedImage(int width, int height, byte[] rgb, byte[] maskVisib, VisibilityInfo visibility) {

    public RenderedImage {
        if (rgb.length != 3 * width * height || maskVisib.length != width * height) {
            throw new IllegalArgumentException("rendered image: buffers of " + rgb.length + " and " + maskVisib.length
                    + " bytes do not fit " + width + "x" + height + " px");
        }
        rgb = rgb.clone();
        maskVisib = maskVisib.clone();
    }

    @Override
    public byte[] rgb() {
        return rgb.clone();
    }

    @Override
    public byte[] maskVisib() {
        return maskVisib.clone();
    }

    /** Whether pixel (x, y) is in the visible mask. */
    public boolean masked(int x, int y) {
        return maskVisib[y * width + x] != 0;
    }
}
