package dev.mqat.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One ground-truth instance of an image with what the dataset holds about it.
 *
 * @param gtIndex index of the instance in the image's {@code scene_gt.json} list (the {@code _GTID} of its
 *     mask file names)
 * @param instance object id and pose
 * @param info visibility statistics; empty when the scene has no {@code scene_gt_info.json}
 * @param maskVisibPath absolute path of {@code mask_visib/IMID_GTID.png}; empty when the file does not exist
 */
public record GroundTruth(int gtIndex, GtInstance instance, Optional<GtInfo> info, Optional<Path> maskVisibPath) {

    public GroundTruth {
        if (gtIndex < 0) {
            throw new IllegalArgumentException("gt index must be non-negative, found " + gtIndex);
        }
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(maskVisibPath, "maskVisibPath");
    }
}
