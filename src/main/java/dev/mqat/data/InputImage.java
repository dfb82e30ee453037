package dev.mqat.data;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
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
