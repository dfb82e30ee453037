package dev.mqat.data;

import dev.mqat.geometry.Mesh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One object of a dataset, as in BOP's {@code models_info.json}.
 *
 * @param objId BOP object id (positive; the mesh is {@code models/obj_XXXXXX.ply})
 * @param diameterMm largest distance between two model vertices, mm
 * @param minMm minimum corner of the model's axis-aligned bounding box (BOP min_x, min_y, min_z), mm
 * @param sizeMm extent of the bounding box (BOP size_x, size_y, size_z), mm
 * @param symmetriesDiscrete discrete symmetries, each a 4x4 object-frame transform flattened row-major
 *     (16 values, translation in mm); empty when none
 * @param symmetriesContinuous continuous symmetries; empty when none
 */
public record ObjectInfo(int objId, double diameterMm, double[] minMm, double[] sizeMm,
        List<double[]> symmetriesDiscrete, List<ContinuousSymmetry> symmetriesContinuous) {

    public ObjectInfo {
        if (objId <= 0) {
            throw new IllegalArgumentException("obj_id must be positive, found " + objId);
        }
        if (!(diameterMm > 0) || Double.isInfinite(diameterMm)) {
            throw new IllegalArgumentException("diameter must be a positive number, found " + diameterMm);
        }
        if (minMm.length != 3) {
            throw new IllegalArgumentException("min has " + minMm.length + " values, expected 3");
        }
        if (sizeMm.length != 3) {
            throw new IllegalArgumentException("size has " + sizeMm.length + " values, expected 3");
        }
        List<double[]> discrete = new ArrayList<>(symmetriesDiscrete.size());
        for (int i = 0; i < symmetriesDiscrete.size(); i++) {
            double[] m = symmetriesDiscrete.get(i);
            if (m.length != 16) {
                throw new IllegalArgumentException("symmetries_discrete[" + i + "] has " + m.length + " values, expected 16");
            }
            discrete.add(m.clone());
        }
        minMm = minMm.clone();
        sizeMm = sizeMm.clone();
        symmetriesDiscrete = List.copyOf(discrete);
        symmetriesContinuous = List.copyOf(symmetriesContinuous);
    }

    /** Info computed from a mesh: exact diameter, bounding box, no symmetries. */
    public static ObjectInfo fromMesh(int objId, Mesh mesh) {
        double[] lo = mesh.boundsMin();
        double[] hi = mesh.boundsMax();
        return new ObjectInfo(objId, mesh.diameterMm(), lo, new double[] {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]},
                List.of(), List.of());
    }

    @Override
    public double[] minMm() {
        return minMm.clone();
    }

    @Override
    public double[] sizeMm() {
        return sizeMm.clone();
    }

    /** Discrete symmetries as copies (each 16 values, row-major 4x4). */
    @Override
    public List<double[]> symmetriesDiscrete() {
        List<double[]> out = new ArrayList<>(symmetriesDiscrete.size());
        for (double[] m : symmetriesDiscrete) {
            out.add(m.clone());
        }
        return out;
    }

    /** True when the object has a discrete or continuous symmetry. */
    public boolean isSymmetric() {
        return !symmetriesDiscrete.isEmpty() || !symmetriesContinuous.isEmpty();
    }

    /**
     * The 8 corners of the bounding box from {@code minMm} and {@code sizeMm}, in the order of
     * {@link Mesh#bboxCorners()} (bit 2 selects x, bit 1 y, bit 0 z; set bit = max).
     *
     * @return 8 rows of {x, y, z}, mm
     */
    public double[][] bboxCornersMm() {
        double[][] corners = new double[8][];
        for (int i = 0; i < 8; i++) {
            corners[i] = new double[] {
                minMm[0] + ((i & 4) != 0 ? sizeMm[0] : 0),
                minMm[1] + ((i & 2) != 0 ? sizeMm[1] : 0),
                minMm[2] + ((i & 1) != 0 ? sizeMm[2] : 0)
            };
        }
        return corners;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ObjectInfo other)) {
            return false;
        }
        if (objId != other.objId || Double.compare(diameterMm, other.diameterMm) != 0
                || !Arrays.equals(minMm, other.minMm) || !Arrays.equals(sizeMm, other.sizeMm)
                || symmetriesDiscrete.size() != other.symmetriesDiscrete.size()
                || !symmetriesContinuous.equals(other.symmetriesContinuous)) {
            return false;
        }
        for (int i = 0; i < symmetriesDiscrete.size(); i++) {
            if (!Arrays.equals(symmetriesDiscrete.get(i), other.symmetriesDiscrete.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return ((objId * 31 + Double.hashCode(diameterMm)) * 31 + Arrays.hashCode(minMm)) * 31 + Arrays.hashCode(sizeMm);
    }

    @Override
    public String toString() {
        return "ObjectInfo[objId=" + objId + ", diameterMm=" + diameterMm + ", minMm=" + Arrays.toString(minMm)
                + ", sizeMm=" + Arrays.toString(sizeMm) + ", " + symmetriesDiscrete.size() + " discrete and "
                + symmetriesContinuous.size() + " continuous symmetries]";
    }
}
