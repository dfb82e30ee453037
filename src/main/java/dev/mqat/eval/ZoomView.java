package dev.mqat.eval;

import dev.mqat.data.Augmenter;
import dev.mqat.data.InputImage;
import dev.mqat.geometry.CameraIntrinsics;
import java.util.List;

/**
 * An image magnified about a point and shifted so that the point lands at the image centre, rendered as training's
 * augmentation renders a zoom ({@link Augmenter#warp}: bilinear, black outside the source, the camera's focal
 * lengths scaled and its principal point moved), with the map from its pixels back to the source image's.
 *
 * <p>Why: a small object seen magnified gives corner estimates whose errors are partly independent of those from
 * the image as it is; {@link PosePredictor} pools them into one PnP.
 *
 * @param image the magnified image, with the camera that sees it
 * @param cx source camera's principal point, x, px
 * @param cy source camera's principal point, y, px
 * @param dx shift of the warp, x, px ({@link Augmenter#warp})
 * @param dy shift of the warp, y, px
 * @param scale the magnification
 */
record ZoomView(InputImage image, double cx, double cy, double dx, double dy, double scale) {

    /** {@code source} magnified {@code scale} times about its pixel (u, v), which lands at the image centre. */
    static ZoomView centredOn(InputImage source, double u, double v, double scale) {
        CameraIntrinsics cam = source.camera();
        double centre = (source.sizePx() - 1) / 2.0;
        // the warp sends p to c + d + s (p - c); choose d so that (u, v) goes to the centre
        double dx = centre - cam.cx() - scale * (u - cam.cx());
        double dy = centre - cam.cy() - scale * (v - cam.cy());
        InputImage plain = new InputImage(source.rgb(), source.sizePx(), cam, List.of());
        InputImage zoomed = Augmenter.warp(plain, dx, dy, scale, 0);
        return new ZoomView(zoomed, cam.cx(), cam.cy(), dx, dy, scale);
    }

    /** Maps interleaved (u, v) points of the magnified image to the source image, in place. */
    void toSource(double[] pointsPx) {
        // inverse of the warp p' = c + d + s (p - c)
        for (int i = 0; i + 1 < pointsPx.length; i += 2) {
            pointsPx[i] = cx + (pointsPx[i] - cx - dx) / scale;
            pointsPx[i + 1] = cy + (pointsPx[i + 1] - cy - dy) / scale;
        }
    }
}
