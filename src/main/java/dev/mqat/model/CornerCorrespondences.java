package dev.mqat.model;

import java.util.Arrays;

/**
 * The pooled 2D-3D corner correspondences of one detected object, ready for PnP.
 *
 * @param classIndex object class, 0-based
 * @param confidence highest class probability among the pooled cells, 0..1
 * @param cells the pooled cells ({@link AnchorGrid} indices), most confident first
 * @param imagePointsPx predicted corners {u, v} per correspondence (length 2K), network-input px
 * @param objectPointsMm the matching 3D box corners {x, y, z} (length 3K), object frame, mm
 */
public record CornerCorrespondences(int classIndex, double confidence, int[] cells, double[] imagePointsPx,
        double[] objectPointsMm) {

    public CornerCorrespondences {
        if (imagePointsPx.length % 2 != 0 || objectPointsMm.length != imagePointsPx.length / 2 * 3) {
            throw new IllegalArgumentException("correspondences: " + imagePointsPx.length + " image values and "
                    + objectPointsMm.length + " object values do not pair up as 2D and 3D points");
        }
        cells = cells.clone();
        imagePointsPx = imagePointsPx.clone();
        objectPointsMm = objectPointsMm.clone();
    }

    /** Number of 2D-3D pairs (8 per pooled cell). */
    public int size() {
        return imagePointsPx.length / 2;
    }

    /**
     * This object's correspondences followed by {@code other}'s (the same object seen in another view of the
     * image), for one PnP over both: the higher confidence, the cells of both in that order.
     */
    public CornerCorrespondences pooledWith(CornerCorrespondences other) {
        if (other.classIndex != classIndex) {
            throw new IllegalArgumentException("pooling class " + other.classIndex + " into class " + classIndex);
        }
        return new CornerCorrespondences(classIndex, Math.max(confidence, other.confidence), concat(cells, other.cells),
                concat(imagePointsPx, other.imagePointsPx), concat(objectPointsMm, other.objectPointsMm));
    }

    /** These correspondences with other image points (same order and count), e.g. mapped to another frame. */
    public CornerCorrespondences withImagePoints(double[] pointsPx) {
        return new CornerCorrespondences(classIndex, confidence, cells, pointsPx, objectPointsMm);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The image points as rows {u, v}, the layout {@code PnpSolver.solve} takes (new arrays). */
    public double[][] imagePointRows() {
        double[][] rows = new double[size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {imagePointsPx[2 * i], imagePointsPx[2 * i + 1]};
        }
        return rows;
    }

    /** The object points as rows {x, y, z}, mm (new arrays). */
    public double[][] objectPointRows() {
        double[][] rows = new double[size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {objectPointsMm[3 * i], objectPointsMm[3 * i + 1], objectPointsMm[3 * i + 2]};
        }
        return rows;
    }

    @Override
    public int[] cells() {
        return cells.clone();
    }

    @Override
    public double[] imagePointsPx() {
        return imagePointsPx.clone();
    }

    @Override
    public double[] objectPointsMm() {
        return objectPointsMm.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CornerCorrespondences c && classIndex == c.classIndex && confidence == c.confidence
                && Arrays.equals(cells, c.cells) && Arrays.equals(imagePointsPx, c.imagePointsPx)
                && Arrays.equals(objectPointsMm, c.objectPointsMm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(imagePointsPx) * 31 + classIndex;
    }

    @Override
    public String toString() {
        return "CornerCorrespondences[class " + classIndex + ", confidence " + confidence + ", " + cells.length + " cells]";
    }
}
