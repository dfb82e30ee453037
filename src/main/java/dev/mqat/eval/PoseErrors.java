package dev.mqat.eval;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;

/**
 * Pose error functions under their names in the 6D-pose literature, each taking estimate, truth and model
 * points in that order (as bop_toolkit's {@code pose_error.py}).
 *
 * <p>All distances are in mm, pixel errors in px, angles in degrees; model points are in the object frame.
 * Every function averages over all the points it is given (see {@link ModelPoints} on sampling).
 */
public final class PoseErrors {

    private PoseErrors() {}

    /**
     * ADD (Hinterstoisser et al., ACCV 2012): mean distance between corresponding model points moved by the
     * estimate and by the truth.
     *
     * @return mean of |(R_e x + t_e) - (R_t x + t_t)| over the points, mm
     */
    public static double add(Pose estimate, Pose truth, ModelPoints model) {
        return add(estimate, truth, model.pointsView());
    }

    /** {@link #add(Pose, Pose, ModelPoints)} over xyz triples (length 3*N, mm). */
    public static double add(Pose estimate, Pose truth, float[] pointsMm) {
        int n = pointsMm.length / 3;
        double[] e = new double[3];
        double[] t = new double[3];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            estimate.apply(pointsMm[3 * i], pointsMm[3 * i + 1], pointsMm[3 * i + 2], e);
            truth.apply(pointsMm[3 * i], pointsMm[3 * i + 1], pointsMm[3 * i + 2], t);
            double dx = e[0] - t[0];
            double dy = e[1] - t[1];
            double dz = e[2] - t[2];
            sum += Math.sqrt(dx * dx + dy * dy + dz * dz);
        }
        return sum / n;
    }

    /**
     * ADI, also called ADD-S (Hinterstoisser et al., ACCV 2012; Hodan et al., ECCVW 2016): for each model point
     * moved by the truth, the distance to the nearest model point moved by the estimate, averaged.
     *
     * <p>Rigid motions keep distances, so the nearest-point search runs in the model frame: each point is moved
     * by {@code estimate^-1 ∘ truth} and looked up in the model's k-d tree, which is built once per object.
     * Always at most {@link #add}; zero when the two poses differ by a symmetry that maps the point set onto
     * itself.
     *
     * @return mean nearest-point distance, mm
     */
    public static double adi(Pose estimate, Pose truth, ModelPoints model) {
        Pose relative = estimate.inverse().compose(truth);
        float[] p = model.pointsView();
        PointKdTree tree = model.tree();
        int n = p.length / 3;
        double[] q = new double[3];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            relative.apply(p[3 * i], p[3 * i + 1], p[3 * i + 2], q);
            // the point's own partner bounds the nearest distance (ADI <= ADD); for good estimates the bound is
            // tight and the search visits few nodes
            double dx = q[0] - p[3 * i];
            double dy = q[1] - p[3 * i + 1];
            double dz = q[2] - p[3 * i + 2];
            double own = dx * dx + dy * dy + dz * dz;
            double bound = Math.nextUp(own);
            double found = tree.nearestDistanceSq(q[0], q[1], q[2], bound);
            sum += Math.sqrt(found < bound ? found : own);
        }
        return sum / n;
    }

    /** The O(N^2) definition of {@link #adi}, the naive twin its tests compare against. */
    static double adiBruteForce(Pose estimate, Pose truth, float[] pointsMm) {
        int n = pointsMm.length / 3;
        double[][] moved = new double[n][];
        for (int j = 0; j < n; j++) {
            moved[j] = estimate.apply(pointsMm[3 * j], pointsMm[3 * j + 1], pointsMm[3 * j + 2], new double[3]);
        }
        double[] t = new double[3];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            truth.apply(pointsMm[3 * i], pointsMm[3 * i + 1], pointsMm[3 * i + 2], t);
            double best = Double.POSITIVE_INFINITY;
            for (double[] m : moved) {
                double dx = m[0] - t[0];
                double dy = m[1] - t[1];
                double dz = m[2] - t[2];
                best = Math.min(best, dx * dx + dy * dy + dz * dz);
            }
            sum += Math.sqrt(best);
        }
        return sum / n;
    }

    /**
     * 2D projection error (Brachmann et al., CVPR 2016; "REP" in the SwissCube evaluation): mean pixel distance
     * between the model points projected with the estimate and with the truth.
     *
     * <p>Defined as +infinity when any point lies at or behind the camera plane under either pose: such an
     * estimate fails every pixel threshold.
     *
     * @return mean projection distance, px
     */
    public static double projectionErrorPx(Pose estimate, Pose truth, ModelPoints model, CameraIntrinsics camera) {
        float[] p = model.pointsView();
        int n = p.length / 3;
        double[] e = new double[3];
        double[] t = new double[3];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            estimate.apply(p[3 * i], p[3 * i + 1], p[3 * i + 2], e);
            truth.apply(p[3 * i], p[3 * i + 1], p[3 * i + 2], t);
            if (!(e[2] > 0) || !(t[2] > 0)) {
                return Double.POSITIVE_INFINITY;
            }
            double du = camera.fx() * (e[0] / e[2] - t[0] / t[2]);
            double dv = camera.fy() * (e[1] / e[2] - t[1] / t[2]);
            sum += Math.sqrt(du * du + dv * dv);
        }
        return sum / n;
    }

    /** Angle of the rotation taking the true orientation to the estimated one, degrees in [0, 180]. */
    public static double rotationErrorDeg(Pose estimate, Pose truth) {
        return estimate.rotationErrorDeg(truth);
    }

    /** Distance between the estimated and the true translation, mm. */
    public static double translationErrorMm(Pose estimate, Pose truth) {
        return estimate.translationErrorMm(truth);
    }
}
