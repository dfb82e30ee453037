package dev.mqat.geometry;

import boofcv.abst.geo.Estimate1ofPnP;
import boofcv.abst.geo.RefinePnP;
import boofcv.factory.geo.EnumPNP;
import boofcv.factory.geo.FactoryMultiView;
import boofcv.struct.geo.Point2D3D;
import georegression.struct.se.Se3_F64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * Recovers an object pose from 2D-3D correspondences: EPnP inside RANSAC, then optional Levenberg-Marquardt
 * refinement on the inliers; an adapter over BoofCV (EPnP from {@code FactoryMultiView.pnp_1(EnumPNP.EPNP, ..)},
 * refinement from {@code FactoryMultiView.pnpRefine}).
 *
 * <p>EPnP: Lepetit, Moreno-Noguer and Fua, "EPnP: An Accurate O(n) Solution to the PnP Problem", IJCV 2009. The
 * WDR/MQAT inference turns predicted 2D corner positions into a pose with OpenCV's EPnP RANSAC at 5 px; this
 * class is mqat's equivalent.
 *
 * <p>Steps: (1) reject inputs that cannot define a pose (see below); (2) convert pixels to normalized image
 * coordinates, as BoofCV's PnP estimators expect; (3) RANSAC: minimal EPnP samples of correspondences with
 * pairwise distinct 3D points, scored by inlier count at {@link PnpConfig#ransacThresholdPx()} pixels, iterations
 * adaptive (99.9 % confidence) up to {@link PnpConfig#maxIterations()}, sampler seeded by
 * {@link PnpConfig#seed()}; (4) EPnP refit on the whole consensus set, kept when it explains at least as many
 * correspondences; (5) when {@link PnpConfig#refine()}, Levenberg-Marquardt over the Rodrigues parameters on the
 * inliers, kept only when it lowers their mean pixel error; (6) the inlier set is recomputed under the returned
 * pose.
 *
 * <p>Deviations: the RANSAC loop is mqat's own rather than BoofCV's {@code FactoryMultiViewRobust.pnpRansac},
 * which runs its trials on a shared thread pool and fails on samples that repeat a 3D point: the network
 * predicts each bounding-box corner once per cell, so repeated 3D points are the normal input here. The
 * refinement minimises error in normalized image coordinates (BoofCV's formulation), which equals the pixel error
 * up to the factor fx (fy) and is the same minimiser when fx = fy.
 *
 * <p>Pitfalls: the result is {@link Optional#empty()} rather than an exception for fewer than 4 correspondences,
 * any NaN or infinite coordinate, coincident or colinear 3D points, colinear image points, no RANSAC consensus,
 * fewer than 4 inliers, colinear inliers, or a non-finite pose. A solver holds no state between calls and uses
 * one thread: the same input and seed give the same pose, and one instance may be shared between threads.
 */
public final class PnpSolver {

    /** Relative spread below which a point set counts as colinear (second over first principal deviation). */
    private static final double COLINEAR_RATIO = 1e-6;

    /** Gauss-Newton iterations inside BoofCV's EPnP. */
    private static final int EPNP_ITERATIONS = 10;

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

        Estimate1ofPnP epnp = FactoryMultiView.pnp_1(EnumPNP.EPNP, EPNP_ITERATIONS, 0);
        int sampleSize = Math.max(4, epnp.getMinimumPoints());
        Consensus best = ransac(epnp, sampleSize, points, objectPointsMm, imagePointsPx, camera);
        if (best == null) {
            return Optional.empty();
        }
        // refit EPnP on the whole consensus set (least squares over all inliers instead of one minimal sample);
        // kept when it explains at least as many correspondences
        Se3_F64 refitModel = new Se3_F64();
        Pose refit = estimate(epnp, subset(points, best.inliers()), refitModel);
        if (refit != null) {
            int[] refitIdx = inliersOf(refit, camera, objectPointsMm, imagePointsPx);
            if (refitIdx.length >= best.inliers().length) {
                best = new Consensus(refit, refitModel, refitIdx);
            }
        }
        Pose pose = best.pose();
        int[] ransacIdx = best.inliers();
        List<Point2D3D> ransacInliers = subset(points, ransacIdx);
        Se3_F64 model = best.model();

        if (config.refine()) {
            pose = refined(pose, model, ransacInliers, ransacIdx, objectPointsMm, imagePointsPx, camera);
        }

        int[] inliers = inliersOf(pose, camera, objectPointsMm, imagePointsPx);
        if (inliers.length < 4) {
            return Optional.empty();
        }
        double sum = 0;
        double[] cam = new double[3];
        for (int i : inliers) {
            sum += errorPx(pose, camera, objectPointsMm[i], imagePointsPx[i], cam);
        }
        if (isDegenerate(objectPointsMm, imagePointsPx, inliers)) {
            return Optional.empty();
        }
        return Optional.of(new PnpResult(pose, inliers, sum / inliers.length));
    }

    /**
     * The RANSAC loop: minimal EPnP samples of correspondences with pairwise distinct 3D points, scored by their
     * inlier count in pixels (ties: lower summed inlier error); the iteration count adapts to the best inlier
     * ratio for 99.9 % confidence, capped at {@link PnpConfig#maxIterations()}.
     *
     * @return the best pose with its ascending inlier indexes (at least the sample size), or null
     */
    private Consensus ransac(Estimate1ofPnP epnp, int sampleSize, List<Point2D3D> points, double[][] obj, double[][] img,
            CameraIntrinsics camera) {
        int n = points.size();
        if (n < sampleSize) {
            return null;
        }
        Random random = new Random(config.seed());
        int[] sample = new int[sampleSize];
        List<Point2D3D> samplePoints = new ArrayList<>(sampleSize);
        Se3_F64 model = new Se3_F64();
        double[] cam = new double[3];
        Consensus best = null;
        double bestErrorSum = Double.POSITIVE_INFINITY;
        long needed = config.maxIterations();
        int attempts = 0;
        for (int iter = 0; iter < needed && attempts < 10L * config.maxIterations(); attempts++) {
            if (!drawDistinct(random, n, obj, sample)) {
                continue; // not enough distinct 3D points found in this draw; counts as an attempt only
            }
            iter++;
            samplePoints.clear();
            for (int i : sample) {
                samplePoints.add(points.get(i));
            }
            Pose candidate = estimate(epnp, samplePoints, model);
            if (candidate == null) {
                continue;
            }
            int count = 0;
            double errorSum = 0;
            for (int i = 0; i < n; i++) {
                double e = errorPx(candidate, camera, obj[i], img[i], cam);
                if (e <= config.ransacThresholdPx()) {
                    count++;
                    errorSum += e;
                }
            }
            int bestCount = best == null ? 0 : best.inliers().length;
            if (count < sampleSize || count < bestCount || (count == bestCount && errorSum >= bestErrorSum)) {
                continue;
            }
            best = new Consensus(candidate, model.copy(), inliersOf(candidate, camera, obj, img));
            bestErrorSum = errorSum;
            needed = Math.min(config.maxIterations(), iterationsFor((double) count / n, sampleSize));
        }
        return best;
    }

    /** A pose, the same pose as BoofCV holds it, and its inlier indexes. */
    private record Consensus(Pose pose, Se3_F64 model, int[] inliers) {}

    private static List<Point2D3D> subset(List<Point2D3D> points, int[] idx) {
        List<Point2D3D> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(points.get(i));
        }
        return out;
    }

    /** RANSAC iterations for 99.9 % confidence of one all-inlier sample at the given inlier ratio. */
    private static long iterationsFor(double inlierRatio, int sampleSize) {
        double allInliers = Math.pow(inlierRatio, sampleSize);
        if (allInliers >= 1) {
            return 1;
        }
        if (allInliers <= 0) {
            return Long.MAX_VALUE;
        }
        return (long) Math.ceil(Math.log(1 - 0.999) / Math.log(1 - allInliers));
    }

    /**
     * Draws {@code sample.length} distinct indexes whose 3D points are pairwise distinct (the network repeats each
     * bounding-box corner once per cell, and EPnP fails on repeated points).
     *
     * @return false when 20 tries found no such sample
     */
    private static boolean drawDistinct(Random random, int n, double[][] obj, int[] sample) {
        for (int tries = 0; tries < 20; tries++) {
            boolean ok = true;
            for (int k = 0; k < sample.length && ok; k++) {
                int candidate = random.nextInt(n);
                for (int j = 0; j < k && ok; j++) {
                    double[] a = obj[candidate];
                    double[] b = obj[sample[j]];
                    ok = candidate != sample[j] && (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]);
                }
                sample[k] = candidate;
            }
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** Runs EPnP; null when it fails, throws inside BoofCV, or gives a non-finite pose. Fills {@code model}. */
    private static Pose estimate(Estimate1ofPnP epnp, List<Point2D3D> points, Se3_F64 model) {
        try {
            if (!epnp.process(points, model)) {
                return null;
            }
        } catch (RuntimeException e) {
            // BoofCV's linear algebra fails on near-degenerate samples; that sample gives no pose
            return null;
        }
        return toPose(model);
    }

    private int[] inliersOf(Pose pose, CameraIntrinsics camera, double[][] obj, double[][] img) {
        double[] errors = reprojectionErrorsPx(pose, camera, obj, img);
        int count = 0;
        for (double e : errors) {
            if (e <= config.ransacThresholdPx()) {
                count++;
            }
        }
        int[] idx = new int[count];
        for (int i = 0, k = 0; i < errors.length; i++) {
            if (errors[i] <= config.ransacThresholdPx()) {
                idx[k++] = i;
            }
        }
        return idx;
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
