package dev.mqat.synth;

/**
 * BOP {@code scene_gt_info.json} values of one object instance, computed from the renderer's z-buffer.
 *
 * <p>A pixel belongs to the object when at least half of its supersamples hit the object. "All" pixels are
 * counted on a canvas three times the image size in each direction (the image in the middle), like BOP's
 * toolkit, so the part of a near object cut by the image border still counts. Boxes are {@code [x, y, w, h]}
 * in pixels with {@code w = xmax - xmin} and {@code h = ymax - ymin} (BOP's {@code calc_2d_bbox}, unclipped;
 * {@code bboxObj} can start at negative coordinates), and {@code [-1, -1, -1, -1]} when no pixel is visible.
 *
 * @param bboxObj box of the whole object silhouette, px
 * @param bboxVisib box of the visible silhouette (inside the image), px
 * @param pxCountAll object pixels on the enlarged canvas
 * @param pxCountVisib object pixels inside the image (one instance per image, so nothing occludes it)
 * @param visibFract pxCountVisib / pxCountAll, 0 when pxCountAll is 0
 */
public record VisibilityInfo(int[] bboxObj, int[] bboxVisib, int pxCountAll, int pxCountVisib, double visibFract) {

    public VisibilityInfo {
        bboxObj = bboxObj.clone();
        bboxVisib = bboxVisib.clone();
    }

    @Override
    public int[] bboxObj() {
        return bboxObj.clone();
    }

    @Override
    public int[] bboxVisib() {
        return bboxVisib.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VisibilityInfo v && java.util.Arrays.equals(bboxObj, v.bboxObj)
                && java.util.Arrays.equals(bboxVisib, v.bboxVisib) && pxCountAll == v.pxCountAll
                && pxCountVisib == v.pxCountVisib && Double.compare(visibFract, v.visibFract) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bboxObj) * 31 + java.util.Arrays.hashCode(bboxVisib) + pxCountAll;
    }

    @Override
    public String toString() {
        return "VisibilityInfo[bboxObj=" + java.util.Arrays.toString(bboxObj) + ", bboxVisib="
                + java.util.Arrays.toString(bboxVisib) + ", pxCountAll=" + pxCountAll + ", pxCountVisib="
                + pxCountVisib + ", visibFract=" + visibFract + "]";
    }
}
