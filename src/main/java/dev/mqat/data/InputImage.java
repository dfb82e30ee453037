package dev.mqat.data;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.ArrayList;
import java.util.List;

/**
 * One image at network resolution with its annotated objects, held in memory for training or evaluation.
 *
 * @param rgb interleaved RGB bytes, row-major, {@code [sizePx, sizePx, 3]}
 * @param sizePx side of the square image, px
 * @param camera intrinsics of this (resized, padded) image
 * @param objects annotated objects in the image
 */
public record InputImage(byte[] rgb, int sizePx, CameraIntrinsics camera, List<InputObject> objects) {

    public InputImage {
        if (rgb.length != sizePx * sizePx * 3) {
            throw new IllegalArgumentException("image: " + rgb.length + " bytes for " + sizePx + "x" + sizePx + "x3");
        }
        objects = List.copyOf(objects);
    }

    /**
     * The {@code side x side} window whose top-left pixel is {@code (x0, y0)}, with the principal point moved by the
     * same offset: poses stay exact, as every pixel keeps its viewing ray.
     *
     * @throws IllegalArgumentException when the window leaves the image
     */
    public InputImage cropped(int x0, int y0, int side) {
        if (side <= 0 || x0 < 0 || y0 < 0 || x0 + side > sizePx || y0 + side > sizePx) {
            throw new IllegalArgumentException("crop " + side + " px at (" + x0 + ", " + y0 + ") leaves the " + sizePx
                    + " px image");
        }
        byte[] out = new byte[side * side * 3];
        for (int y = 0; y < side; y++) {
            System.arraycopy(rgb, ((y0 + y) * sizePx + x0) * 3, out, y * side * 3, side * 3);
        }
        List<InputObject> kept = new ArrayList<>(objects.size());
        for (InputObject o : objects) {
            byte[] mask = null;
            if (o.visibleMask() != null) {
                mask = new byte[side * side];
                for (int y = 0; y < side; y++) {
                    System.arraycopy(o.visibleMask(), (y0 + y) * sizePx + x0, mask, y * side, side);
                }
            }
            kept.add(new InputObject(o.classIndex(), o.objectToCamera(), mask, o.cornersMm(), o.diameterMm()));
        }
        CameraIntrinsics c = camera;
        return new InputImage(out, side, new CameraIntrinsics(c.fx(), c.fy(), c.cx() - x0, c.cy() - y0, side, side), kept);
    }

    /**
     * One object instance of an image.
     *
     * @param classIndex network class index (position of the object id in the dataset's sorted object ids)
     * @param objectToCamera ground-truth pose
     * @param visibleMask visible-pixel mask at network resolution ({@code sizePx * sizePx}, 1 = visible), or null
     *     when the dataset has none (targets then fall back to the projected box)
     * @param cornersMm the 8 bounding-box corners in the object frame, mm
     * @param diameterMm object diameter, mm
     */
    public record InputObject(int classIndex, Pose objectToCamera, byte[] visibleMask, double[][] cornersMm,
            double diameterMm) {}
}
