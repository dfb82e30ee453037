package dev.mqat.eval;

import dev.mqat.geometry.Mesh;

/**
 * The 3D points an object's pose errors are computed over, with the object's diameter and a nearest-neighbour
 * index for {@link PoseErrors#adi}.
 *
 * <p>mqat evaluates over <em>all</em> model vertices (deterministic); the SwissCube/WDR evaluation samples 1000
 * vertices at random with replacement instead, which makes its numbers vary slightly from run to run. Build one
 * instance per object and reuse it: the k-d tree is built once here. Immutable and thread-safe.
 */
public final class ModelPoints {

    private final float[] pointsMm;
    private final double diameterMm;
    private final PointKdTree tree;

    private ModelPoints(float[] pointsMm, double diameterMm) {
        if (pointsMm.length == 0 || pointsMm.length % 3 != 0) {
            throw new IllegalArgumentException("model points: array length " + pointsMm.length
                    + " must be a positive multiple of 3");
        }
        for (float v : pointsMm) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("model points: coordinate " + v + " is not finite");
            }
        }
        if (!(diameterMm > 0) || Double.isInfinite(diameterMm)) {
            throw new IllegalArgumentException("model points: diameterMm must be positive and finite, found "
                    + diameterMm);
        }
        this.pointsMm = pointsMm.clone();
        this.diameterMm = diameterMm;
        this.tree = new PointKdTree(this.pointsMm);
    }

    /**
     * Points given as xyz triples.
     *
     * @param pointsMm xyz per point, object frame, mm (copied)
     * @param diameterMm object diameter, mm (BOP {@code models_info.json} {@code diameter})
     */
    public static ModelPoints of(float[] pointsMm, double diameterMm) {
        return new ModelPoints(pointsMm, diameterMm);
    }

    /** All vertices of a mesh, with the given diameter (mm). */
    public static ModelPoints ofMesh(Mesh mesh, double diameterMm) {
        return new ModelPoints(mesh.vertices(), diameterMm);
    }

    /** All vertices of a mesh, with its exact diameter ({@link Mesh#diameterMm()}). */
    public static ModelPoints ofMesh(Mesh mesh) {
        return new ModelPoints(mesh.vertices(), mesh.diameterMm());
    }

    /** xyz per point, mm (a copy). */
    public float[] pointsMm() {
        return pointsMm.clone();
    }

    /** The internal array, not copied: callers in this package must not modify it. */
    float[] pointsView() {
        return pointsMm;
    }

    PointKdTree tree() {
        return tree;
    }

    public int size() {
        return pointsMm.length / 3;
    }

    public double diameterMm() {
        return diameterMm;
    }

    @Override
    public String toString() {
        return "ModelPoints[" + size() + " points, diameter " + diameterMm + " mm]";
    }
}
