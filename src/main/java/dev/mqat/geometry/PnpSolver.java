package dev.mqat.geometry;

import boofcv.abst.geo.RefinePnP;
import boofcv.alg.geo.robust.ModelMatcherMultiview;
import boofcv.factory.geo.ConfigPnP;
import boofcv.factory.geo.ConfigRansac;
import boofcv.factory.geo.EnumPNP;
import boofcv.factory.geo.FactoryMultiView;
import boofcv.factory.geo.FactoryMultiViewRobust;
import boofcv.struct.calib.CameraPinhole;
import boofcv.struct.geo.Point2D3D;
import georegression.struct.se.Se3_F64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * Recovers an object pose from 2D-3D correspondences: EPnP inside RANSAC, then optional Levenberg-Marquardt
 * refinement on the inliers; an adapter over BoofCV ({@code FactoryMultiViewRobust.pnpRansac} with
 * {@code EnumPNP.EPNP}, {@code FactoryMultiView.pnpRefine}).
 *
 * <p>EPnP: Lepetit, Moreno-Noguer and Fua, "EPnP: An Accurate O(n) Solution to the PnP Problem", IJCV 2009. The
 * WDR/MQAT inference turns predicted 2D corner positions into a pose with OpenCV's EPnP RANSAC at 5 px; this
 * class is mqat's equivalent.
 *
 * <p>Steps: (1) reject inputs that cannot define a pose (see below); (2) convert pixels to normalized image
 * coordinates, as BoofCV's PnP estimators expect, and give RANSAC the camera so that its inlier test is in
 * pixels; (3) RANSAC with minimal EPnP samples, seeded by {@link PnpConfig#seed()}; (4) when
 * {@link PnpConfig#refine()}, Levenberg-Marquardt over the Rodrigues parameters on the RANSAC inliers, kept only
 * when it lowers their mean pixel error; (5) the inlier set is recomputed under the returned pose.
 *
 * <p>Deviations: the refinement minimises error in normalized image coordinates (BoofCV's formulation), which
 * equals the pixel error up to the factor fx (fy) and is the same minimiser when fx = fy.
 *
 * <p>Pitfalls: the result is {@link Optional#empty()} rather than an exception for fewer than 4 correspondences,
 * any NaN or infinite coordinate, coincident or colinear 3D points, colinear image points, no RANSAC consensus,
 * fewer than 4 inliers, colinear inliers, or a non-finite pose. A solver holds no state between calls: the same
 * input and seed give the same pose, and one instance may be shared between threads.
 */
public final class PnpSolver {

    /** Relative spread below which a point set counts as colinear (second over first principal deviation). */
    private static final double COLINEAR_RATIO = 1e-6;

    private final PnpConfig config;

    public PnpSolver(PnpConfig config) {
        this.config = config;
    }

    /** A solver with {@link PnpConfig#defaults()}. */
    public PnpSolver() {
        this(PnpConfig.defaults());
    }

    public PnpConfig config() {
        return config;
    }

    /**
     * Solves for the object-to-camera pose.
     *
     * @param objectPointsMm N rows of {x, y, z} in the object frame, mm
     * @param imagePointsPx N rows of {u, v}, px, row i observing object point i
     * @param camera the intrinsics the pixels were taken with
     * @return the pose with its inliers, or empty when the input defines no pose (see the class comment)
     * @throws IllegalArgumentException only for caller errors: different row counts or rows of the wrong length
     */
    public Optional<PnpResult> solve(double[][] objectPointsMm, double[][] imagePointsPx, CameraIntrinsics camera) {
        int n = objectPointsMm.length;
        if (imagePointsPx.length != n) {
            throw new IllegalArgumentException("pnp: " + n + " object points but " + imagePointsPx.length
                    + " image points; they must correspond one to one");
        }
        for (int i = 0; i < n; i++) {
            if (objectPointsMm[i].length != 3 || imagePointsPx[i].length != 2) {
                throw new IllegalArgumentException("pnp: correspondence " + i + " has " + objectPointsMm[i].length
                        + " object and " + imagePointsPx[i].length + " image coordinates, expected 3 and 2");
            }
        }
        if (n < 4 || !allFinite(objectPointsMm) || !allFinite(imagePointsPx)) {
            return Optional.empty();
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (isDegenerate(objectPointsMm, imagePointsPx, all)) {
            return Optional.empty();
        }

        List<Point2D3D> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] p = objectPointsMm[i];
            double[] uv = imagePointsPx[i];
            points.add(new Point2D3D().setTo((uv[0] - camera.cx()) / camera.fx(), (uv[1] - camera.cy()) / camera.fy(),
                    p[0], p[1], p[2]));
        }

        ConfigPnP pnp = new ConfigPnP();
        pnp.which = EnumPNP.EPNP;
        ConfigRansac ransac = new ConfigRansac(config.maxIterations(), config.ransacThresholdPx());
        ransac.randSeed = config.seed();
        ModelMatcherMultiview<Se3_F64, Point2D3D> matcher = FactoryMultiViewRobust.pnpRansac(pnp, ransac);
        matcher.setIntrinsic(0, new CameraPinhole(camera.fx(), camera.fy(), 0, camera.cx(), camera.cy(),
                camera.width(), camera.height()));
        if (n < matcher.getMinimumSize()) {
            return Optional.empty();
        }
        boolean found;
        try {
            found = matcher.process(points);
        } catch (RuntimeException e) {
            // BoofCV's linear algebra can fail on near-degenerate samples; that is "no pose", not an error
            return Optional.empty();
        }
        if (!found || matcher.getMatchSet().size() < 4) {
            return Optional.empty();
        }
        List<Point2D3D> ransacInliers = new ArrayList<>(matcher.getMatchSet());
        int[] ransacIdx = new int[ransacInliers.size()];
        for (int i = 0; i < ransacIdx.length; i++) {
            ransacIdx[i] = matcher.getInputIndex(i);
        }
        Pose pose = toPose(matcher.getModelParameters());
        if (pose == null) {
            return Optional.empty();
        }

        if (config.refine()) {
            pose = refined(pose, matcher.getModelParameters(), ransacInliers, ransacIdx, objectPointsMm, imagePointsPx,
                    camera);
        }

        double[] errors = reprojectionErrorsPx(pose, camera, objectPointsMm, imagePointsPx);
        int count = 0;
        for (double e : errors) {
            if (e <= config.ransacThresholdPx()) {
                count++;
            }
        }
        if (count < 4) {
            return Optional.empty();
        }
        int[] inliers = new int[count];
        double sum = 0;
        for (int i = 0, k = 0; i < n; i++) {
            if (errors[i] <= config.ransacThresholdPx()) {
                inliers[k++] = i;
                sum += errors[i];
            }
        }
        if (isDegenerate(objectPointsMm, imagePointsPx, inliers)) {
            return Optional.empty();
        }
        return Optional.of(new PnpResult(pose, inliers, sum / count));
    }

    private Pose refined(Pose ransacPose, Se3_F64 initial, List<Point2D3D> inlierPoints, int[] inlierIdx,
            double[][] objectPointsMm, double[][] imagePointsPx, CameraIntrinsics camera) {
        RefinePnP refiner = FactoryMultiView.pnpRefine(1e-12, 200);
        Se3_F64 out = new Se3_F64();
        boolean ok;
        try {
            ok = refiner.fitModel(inlierPoints, initial, out);
        } catch (RuntimeException e) {
            ok = false;
        }
        Pose candidate = ok ? toPose(out) : null;
        if (candidate == null) {
            return ransacPose;
        }
        double before = meanErrorPx(ransacPose, camera, objectPointsMm, imagePointsPx, inlierIdx);
        double after = meanErrorPx(candidate, camera, objectPointsMm, imagePointsPx, inlierIdx);
        return after <= before ? candidate : ransacPose;
    }

    private static double meanErrorPx(Pose pose, CameraIntrinsics camera, double[][] obj, double[][] img, int[] idx) {
        double sum = 0;
        double[] cam = new double[3];
        for (int i : idx) {
            sum += errorPx(pose, camera, obj[i], img[i], cam);
        }
        return sum / idx.length;
    }

    /**
     * Reprojection error of every correspondence under a pose, px; infinity for points at or behind the camera.
     *
     * @return N errors, px
     */
    public static double[] reprojectionErrorsPx(Pose objectToCamera, CameraIntrinsics camera, double[][] objectPointsMm,
            double[][] imagePointsPx) {
        double[] errors = new double[objectPointsMm.length];
        double[] cam = new double[3];
        for (int i = 0; i < errors.length; i++) {
            errors[i] = errorPx(objectToCamera, camera, objectPointsMm[i], imagePointsPx[i], cam);
        }
        return errors;
    }

    private static double errorPx(Pose pose, CameraIntrinsics camera, double[] p, double[] uv, double[] cam) {
        pose.apply(p[0], p[1], p[2], cam);
        if (!(cam[2] > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double du = camera.fx() * cam[0] / cam[2] + camera.cx() - uv[0];
        double dv = camera.fy() * cam[1] / cam[2] + camera.cy() - uv[1];
        return Math.sqrt(du * du + dv * dv);
    }

    /** BoofCV's world-to-camera transform as a pose, or null when it is not finite. */
    private static Pose toPose(Se3_F64 worldToCamera) {
        double[] r = new double[9];
        for (int i = 0; i < 9; i++) {
            r[i] = worldToCamera.R.data[i];
        }
        double[] t = {worldToCamera.T.x, worldToCamera.T.y, worldToCamera.T.z};
        for (double v : r) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        for (double v : t) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return new Pose(r, t);
    }

    private static boolean allFinite(double[][] rows) {
        for (double[] row : rows) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when the selected 3D points are coincident or colinear, or the selected image points are colinear. */
    private static boolean isDegenerate(double[][] objectPointsMm, double[][] imagePointsPx, int[] idx) {
        return secondSpreadRatio(objectPointsMm, idx, 3) < COLINEAR_RATIO
                || secondSpreadRatio(imagePointsPx, idx, 2) < COLINEAR_RATIO;
    }

    /**
     * Ratio of the second to the first singular value of the centred points: 0 for colinear or coincident points
     * (coincident points count as colinear).
     */
    private static double secondSpreadRatio(double[][] points, int[] idx, int dim) {
        double[] mean = new double[dim];
        for (int i : idx) {
            for (int d = 0; d < dim; d++) {
                mean[d] += points[i][d];
            }
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= idx.length;
        }
        DMatrixRMaj cov = new DMatrixRMaj(dim, dim);
        for (int i : idx) {
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b < dim; b++) {
                    cov.add(a, b, (points[i][a] - mean[a]) * (points[i][b] - mean[b]));
                }
            }
        }
        double[] sv = SingularOps_DDRM.singularValues(cov);
        double first = 0;
        double second = 0;
        for (double s : sv) {
            if (s > first) {
                second = first;
                first = s;
            } else if (s > second) {
                second = s;
            }
        }
        if (!(first > 0)) {
            return 0;
        }
        // singular values of the covariance are squared spreads
        return Math.sqrt(second / first);
    }
}
