package dev.mqat.data;

import java.util.Objects;

/**
 * Visibility statistics of one ground-truth instance (an entry of BOP {@code scene_gt_info.json}).
 *
 * @param bboxObj box of the whole projected object, including parts outside the image or occluded
 * @param bboxVisib box of the visible pixels
 * @param pxCountAll pixels of the object's silhouette if nothing occluded it (within the image)
 * @param pxCountValid silhouette pixels with a valid depth value (equal to pxCountAll without depth images)
 * @param pxCountVisib visible pixels
 * @param visibFract pxCountVisib / pxCountAll, in [0, 1] (0 when pxCountAll is 0)
 */
public record GtInfo(PixelBox bboxObj, PixelBox bboxVisib, int pxCountAll, int pxCountValid, int pxCountVisib,
        double visibFract) {

    public GtInfo {
        Objects.requireNonNull(bboxObj, "bboxObj");
        Objects.requireNonNull(bboxVisib, "bboxVisib");
        if (pxCountAll < 0 || pxCountValid < 0 || pxCountVisib < 0) {
            throw new IllegalArgumentException("pixel counts must be non-negative, found px_count_all=" + pxCountAll
                    + " px_count_valid=" + pxCountValid + " px_count_visib=" + pxCountVisib);
        }
        if (!(visibFract >= 0 && visibFract <= 1)) {
            throw new IllegalArgumentException("visib_fract must be in [0, 1], found " + visibFract);
        }
    }
}
