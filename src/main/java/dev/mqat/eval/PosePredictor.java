package dev.mqat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.geometry.PnpResult;
import dev.mqat.geometry.PnpSolver;
import dev.mqat.geometry.Pose;
import dev.mqat.geometry.Projection;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.CornerCorrespondences;
import dev.mqat.model.CornerDecoder;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.HostArrays;
import dev.mqat.model.PoseNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Predicts object poses with a pose network: forward pass, {@link CornerDecoder} (confident cells, per-level
 * selection by predicted size, pooled corner correspondences), then one EPnP + RANSAC per object
 * ({@link PnpSolver}), as WDR's post-processing does, then the network's {@link DepthCorrection}. With
 * {@link DecoderConfig#rotations} above 1 the image is also seen turned by quarter turns ({@link QuarterTurns})
 * and every view's correspondences go into that one PnP. An object whose first-pass box is smaller than
 * {@link DecoderConfig#zoomBelowPx} is seen a second time, magnified twice about its centre ({@link ZoomView}, with
 * the same views), and PnP is solved again on both passes' correspondences pooled.
 *
 * <p>Poses come out in the frame of the camera the input image was taken with: the image's intrinsics at
 * network resolution already describe the resize, so no second PnP is needed to map back.
 */
public final class PosePredictor {
    /** Magnification of a second look ({@link DecoderConfig#zoomBelowPx}). */
    static final double ZOOM = 2.0;

    /**
     * One detected object.
     *
     * @param classIndex network class index
     * @param confidence highest class probability among the pooled cells, 0..1
     * @param objectToCamera estimated pose
     * @param inliers RANSAC inliers among the pooled correspondences
     * @param correspondences pooled correspondences that went into PnP
     */
    public record Prediction(int classIndex, double confidence, Pose objectToCamera, int inliers, int correspondences) {}

    private final PoseNet net;
    private final NDManager manager;
    private final CornerDecoder decoder;
    private final PnpSolver pnp;
    private final double[][][] classCornersMm;
    private final int batchSize;
    private final DepthCorrection depthCorrection;
    private final int rotations;
    private final double zoomBelowPx;

    /**
     * @param net initialised network (inference mode is used; weights are not changed)
     * @param manager manager owning the network's parameters; per-batch arrays live in a scope
     * @param classCornersMm per class, the 8 box corners in the object frame (mm), in training order
     * @param batchSize images per forward pass
     * @param depthCorrection depth bias removed from every pose ({@link DepthCorrection#NONE} for raw PnP poses)
     */
    public PosePredictor(PoseNet net, NDManager manager, DecoderConfig decoderConfig, PnpConfig pnpConfig,
            double[][][] classCornersMm, int batchSize, DepthCorrection depthCorrection) {
        this.net = net;
        this.manager = manager;
        int size = net.config().inputSizePx();
        AnchorGrid grid = net.anchorGrid(size, size);
        this.decoder = new CornerDecoder(grid, decoderConfig);
        this.pnp = new PnpSolver(pnpConfig);
        this.classCornersMm = classCornersMm.clone();
        this.batchSize = batchSize;
        this.depthCorrection = depthCorrection;
        this.rotations = decoderConfig.rotations();
        this.zoomBelowPx = decoderConfig.zoomBelowPx();
    }

    /** Predictions for each image, in input order (an empty list where nothing was detected). */
    public List<List<Prediction>> predict(List<InputImage> images) {
        List<List<Prediction>> out = new ArrayList<>(images.size());
        ParameterStore store = new ParameterStore(manager, false);
        for (int from = 0; from < images.size(); from += batchSize) {
            List<InputImage> batch = images.subList(from, Math.min(images.size(), from + batchSize));
            List<List<CornerCorrespondences>> decoded = decodeViews(store, batch);
            List<SecondLook> looks = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                InputImage image = batch.get(i);
                List<Prediction> predictions = new ArrayList<>();
                for (CornerCorrespondences c : decoded.get(i)) {
                    Optional<Prediction> first = solve(pnp, c, image.camera());
                    if (first.isEmpty()) {
                        continue;
                    }
                    double[] box = projectedBox(first.get(), image.camera());
                    if (Math.max(box[2] - box[0], box[3] - box[1]) < zoomBelowPx) {
                        looks.add(new SecondLook(predictions, predictions.size(), image, c,
                                ZoomView.centredOn(image, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, ZOOM)));
                    }
                    predictions.add(corrected(first.get()));
                }
                out.add(predictions);
            }
            for (int k = 0; k < looks.size(); k += batchSize) {
                takeSecondLooks(store, looks.subList(k, Math.min(looks.size(), k + batchSize)));
            }
        }
        return out;
    }

    /** A small object to see again magnified: where its prediction sits and the correspondences it came from. */
    private record SecondLook(List<Prediction> predictions, int slot, InputImage image, CornerCorrespondences first,
            ZoomView view) {}

    /**
     * Decodes the magnified views and, for each object found again there, solves PnP on the first pass's
     * correspondences pooled with the magnified view's (mapped back to the image); replaces the prediction when PnP
     * finds a pose. An object not found again keeps its first-pass pose.
     */
    private void takeSecondLooks(ParameterStore store, List<SecondLook> looks) {
        List<List<CornerCorrespondences>> decoded = decodeViews(store, looks.stream().map(l -> l.view().image()).toList());
        for (int k = 0; k < looks.size(); k++) {
            SecondLook look = looks.get(k);
            for (CornerCorrespondences c : decoded.get(k)) {
                if (c.classIndex() != look.first().classIndex()) {
                    continue;
                }
                double[] points = c.imagePointsPx();
                look.view().toSource(points);
                solve(pnp, look.first().pooledWith(c.withImagePoints(points)), look.image().camera())
                        .ifPresent(p -> look.predictions().set(look.slot(), corrected(p)));
            }
        }
    }

    private Prediction corrected(Prediction p) {
        return new Prediction(p.classIndex(), p.confidence(), depthCorrection.apply(p.objectToCamera()), p.inliers(),
                p.correspondences());
    }

    /** {minU, minV, maxU, maxV} of the object's box corners projected with its first-pass pose, px. */
    private double[] projectedBox(Prediction p, CameraIntrinsics camera) {
        double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (double[] uv : Projection.project(p.objectToCamera(), camera, classCornersMm[p.classIndex()])) {
            box[0] = Math.min(box[0], uv[0]);
            box[1] = Math.min(box[1], uv[1]);
            box[2] = Math.max(box[2], uv[0]);
            box[3] = Math.max(box[3], uv[1]);
        }
        return box;
    }

    /**
     * Per image, per detected class, the correspondences of every view ({@link DecoderConfig#rotations} quarter
     * turns, evenly spaced) mapped back to the image and pooled; a class found in any view is kept.
     */
    private List<List<CornerCorrespondences>> decodeViews(ParameterStore store, List<InputImage> batch) {
        int s = batch.get(0).sizePx();
        List<Map<Integer, CornerCorrespondences>> pooled = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pooled.add(new TreeMap<>());
        }
        try (NDScope scope = new NDScope()) {
            NDArray input = HostArrays.copyOf(manager, BatchLoader.normalize(batch), new Shape(batch.size(), 3, s, s));
            for (int view = 0; view < rotations; view++) {
                int turns = view * 4 / rotations;
                List<List<CornerCorrespondences>> decoded;
                try (NDScope viewScope = new NDScope()) {
                    decoded = decoder.decode(net.forward(store, new NDList(QuarterTurns.turn(input, turns)), false), classCornersMm);
                }
                for (int i = 0; i < batch.size(); i++) {
                    for (CornerCorrespondences c : decoded.get(i)) {
                        double[] points = c.imagePointsPx();
                        QuarterTurns.unturn(points, turns, s);
                        pooled.get(i).merge(c.classIndex(), c.withImagePoints(points), CornerCorrespondences::pooledWith);
                    }
                }
            }
        }
        List<List<CornerCorrespondences>> out = new ArrayList<>();
        for (Map<Integer, CornerCorrespondences> m : pooled) {
            out.add(new ArrayList<>(m.values()));
        }
        return out;
    }

    /** EPnP + RANSAC on one object's pooled correspondences; empty when PnP finds no pose. */
    public static Optional<Prediction> solve(PnpSolver pnp, CornerCorrespondences c, CameraIntrinsics camera) {
        int n = c.size();
        double[] px = c.imagePointsPx();
        double[] mm = c.objectPointsMm();
        double[][] imagePoints = new double[n][];
        double[][] objectPoints = new double[n][];
        for (int i = 0; i < n; i++) {
            imagePoints[i] = new double[] {px[2 * i], px[2 * i + 1]};
            objectPoints[i] = new double[] {mm[3 * i], mm[3 * i + 1], mm[3 * i + 2]};
        }
        Optional<PnpResult> result = pnp.solve(objectPoints, imagePoints, camera);
        return result.map(r -> new Prediction(c.classIndex(), c.confidence(), r.objectToCamera(), r.inlierCount(), n));
    }
}
