package dev.mqat.data;

import dev.mqat.geometry.CameraIntrinsics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One image of a BOP dataset with its camera and ground truth.
 *
 * @param split mqat split name the image was listed under
 * @param sceneId scene id
 * @param imageId image id
 * @param camera intrinsics from {@code scene_camera.json} {@code cam_K}; width and height from the rgb file
 *     header
 * @param depthScale BOP {@code depth_scale} (depth PNG value times this = mm); empty when the file has none
 * @param rgbPath absolute path of the rgb (or gray) image
 * @param groundTruths the instances of {@code scene_gt.json} in file order
 */
public record BopImage(String split, int sceneId, int imageId, CameraIntrinsics camera, OptionalDouble depthScale,
        Path rgbPath, List<GroundTruth> groundTruths) {

    public BopImage {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(depthScale, "depthScale");
        Objects.requireNonNull(rgbPath, "rgbPath");
        groundTruths = List.copyOf(groundTruths);
    }

    /** The key naming this image. */
    public ImageKey key() {
        return new ImageKey(split, sceneId, imageId);
    }

    /** Object ids and poses of the ground-truth instances, in file order. */
    public List<GtInstance> instances() {
        List<GtInstance> out = new ArrayList<>(groundTruths.size());
        for (GroundTruth gt : groundTruths) {
            out.add(gt.instance());
        }
        return out;
    }
}
