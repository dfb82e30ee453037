package dev.mqat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
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
 * {@link DecoderConfig#zoomBelowPx} is seen again magnified about its centre, once per {@link DecoderConfig#zooms}
 * magnification ({@link ZoomView}, each with the same quarter turns), and PnP is solved again on the correspondences
 * of the first pass and of every magnified view pooled.
 *
 * <p>Poses come out in the frame of the camera the input image was taken with: the image's intrinsics at
 * network resolution already describe the resize, so no second PnP is needed to map back.
 */
public final class PosePredictor {

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

    private final PoseForward network;
    private final NDManager manager;
    private final CornerDecoder decoder;
    private final PnpSolver pnp;
    private final double[][][] classCornersMm;
    private final int batchSize;
    private final DepthCorrection depthCorrection;
    private final int rotations;
    private final double zoomBelowPx;
    private final List<Double> zooms;

    /**
     * @param net initialised network (inference mode is used; weights are not changed)
     * @param manager manager owning the network's parameters; per-batch arrays live in a scope
     * @param classCornersMm per class, the 8 box corners in the object frame (mm), in training order
     * @param batchSize images per forward pass
     * @param depthCorrection depth bias removed from every pose ({@link DepthCorrection#NONE} for raw PnP poses)
     */
    public PosePredictor(PoseNet net, NDManager manager, DecoderConfig decoderConfig, PnpConfig pnpConfig,
            double[][][] classCornersMm, int batchSize, DepthCorrection depthCorrection) {
        this(PoseForward.of(net, manager), manager, decoderConfig, pnpConfig, classCornersMm, batchSize, depthCorrection);
    }

    /**
     * A predictor of any network that gives {@link PoseNet}'s raw outputs (an exported model in another runtime).
     *
     * @param manager manager of the per-batch input arrays (each batch lives in a scope)
     */
    public PosePredictor(PoseForward network, NDManager manager, DecoderConfig decoderConfig, PnpConfig pnpConfig,
            double[][][] classCornersMm, int batchSize, DepthCorrection depthCorrection) {
        this.network = network;
        this.manager = manager;
        int size = network.config().inputSizePx();
        AnchorGrid grid = AnchorGrid.of(network.config(), size, size);
        this.decoder = new CornerDecoder(grid, decoderConfig);
        this.pnp = new PnpSolver(pnpConfig);
        this.classCornersMm = classCornersMm.clone();
        this.batchSize = batchSize;
        this.depthCorrection = depthCorrection;
        this.rotations = decoderConfig.rotations();
        this.zoomBelowPx = decoderConfig.zoomBelowPx();
        this.zooms = decoderConfig.zooms();
    }

    /** Predictions for each image, in input order (an empty list where nothing was detected). */
    public List<List<Prediction>> predict(List<InputImage> images) {
        List<List<Prediction>> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += batchSize) {
            List<InputImage> batch = images.subList(from, Math.min(images.size(), from + batchSize));
            List<List<CornerCorrespondences>> decoded = decodeViews(batch);
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
                    if (!zooms.isEmpty() && Math.max(box[2] - box[0], box[3] - box[1]) < zoomBelowPx) {
                        looks.add(new SecondLook(predictions, predictions.size(), image, c,
                                (box[0] + box[2]) / 2, (box[1] + box[3]) / 2));
                    }
                    predictions.add(corrected(first.get()));
                }
                out.add(predictions);
            }
            takeSecondLooks(looks);
        }
        return out;
    }

    /** A small object to see again magnified: where its prediction sits, its first-pass correspondences, its centre. */
    private record SecondLook(List<Prediction> predictions, int slot, InputImage image, CornerCorrespondences first,
            double centreU, double centreV) {}

    /**
     * Decodes every magnified view of every look and, for each object found again in at least one, solves PnP on the
     * first pass's correspondences pooled with all the magnified views' (mapped back to the image); the pose
     * replaces the first-pass one when PnP finds one. An object not found again keeps its first-pass pose.
     */
    private void takeSecondLooks(List<SecondLook> looks) {
        List<ZoomView> views = new ArrayList<>();
        for (SecondLook look : looks) {
            for (double zoom : zooms) {
                views.add(ZoomView.centredOn(look.image(), look.centreU(), look.centreV(), zoom));
            }
        }
        CornerCorrespondences[] pooled = new CornerCorrespondences[looks.size()];
        for (int from = 0; from < views.size(); from += batchSize) {
            List<ZoomView> chunk = views.subList(from, Math.min(views.size(), from + batchSize));
            List<List<CornerCorrespondences>> decoded =
                    decodeViews(chunk.stream().map(ZoomView::image).toList());
            for (int k = 0; k < chunk.size(); k++) {
                int look = (from + k) / zooms.size();
                for (CornerCorrespondences c : decoded.get(k)) {
                    if (c.classIndex() == looks.get(look).first().classIndex()) {
                        double[] points = c.imagePointsPx();
                        chunk.get(k).toSource(points);
                        CornerCorrespondences back = c.withImagePoints(points);
                        pooled[look] = pooled[look] == null ? back : pooled[look].pooledWith(back);
                    }
                }
            }
        }
        for (int k = 0; k < looks.size(); k++) {
            SecondLook look = looks.get(k);
            if (pooled[k] != null) {
                solve(pnp, look.first().pooledWith(pooled[k]), look.image().camera())
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
        double[][] uv = Projection.project(p.objectToCamera(), camera, classCornersMm[p.classIndex()]);
        double[] flat = new double[2 * uv.length];
        for (int k = 0; k < uv.length; k++) {
            flat[2 * k] = uv[k][0];
            flat[2 * k + 1] = uv[k][1];
        }
        return AnchorGrid.boxPx(flat);
    }

    /**
     * Per image, per detected class, the correspondences of every view ({@link DecoderConfig#rotations} quarter
     * turns, evenly spaced) mapped back to the image and pooled; a class found in any view is kept.
     */
    private List<List<CornerCorrespondences>> decodeViews(List<InputImage> batch) {
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
                    NDList outputs = network.forward(QuarterTurns.turn(input, turns));
                    decoded = decoder.decode(outputs, classCornersMm);
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
