package dev.mqat.run;

import dev.mqat.data.BopDataset;
import dev.mqat.data.BopImage;
import dev.mqat.data.ImageStore;
import dev.mqat.data.InputImage;
import dev.mqat.data.ObjectInfo;
import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.eval.EvalTarget;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.PoseNet;
import dev.mqat.eval.PoseEvaluation;
import dev.mqat.eval.PoseEvaluator;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.eval.PoseKey;
import dev.mqat.eval.PosePredictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * A dataset split loaded for a network: the images at network resolution and, in the same order, the BOP
 * keys and evaluation targets, plus the per-class box corners and object ids.
 */
public final class RunData {
    final BopDataset dataset;
    final String split;
    final List<BopImage> records;
    final List<InputImage> images;

    private RunData(BopDataset dataset, String split, List<BopImage> records, List<InputImage> images) {
        this.dataset = dataset;
        this.split = split;
        this.records = records;
        this.images = images;
    }

    /**
     * The last splits loaded in this process: the fine-tunes of one search run one after the other on the same
     * images, and decoding 20000 training images costs about 20 s each time. Keyed by the split folder and its
     * modification time, so a dataset written again is read again.
     */
    private static final Map<String, RunData> RECENT = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunData> eldest) {
            return size() > 3;
        }
    };

    /** Loads {@code split} (its first {@code limit} images, all when 0) at {@code sizePx}. */
    static synchronized RunData load(BopDataset dataset, String split, int sizePx, int limit) {
        String key = null;
        try {
            Path folder = dataset.root().resolve(split).toAbsolutePath().normalize();
            key = folder + "|" + java.nio.file.Files.getLastModifiedTime(folder).toMillis() + "|" + sizePx + "|" + limit;
        } catch (java.io.IOException e) {
            // no folder to key on: load without remembering
        }
        RunData known = key == null ? null : RECENT.get(key);
        if (known != null) {
            return known;
        }
        RunData loaded = read(dataset, split, sizePx, limit);
        if (key != null) {
            RECENT.put(key, loaded);
        }
        return loaded;
    }

    private static RunData read(BopDataset dataset, String split, int sizePx, int limit) {
        if (!dataset.hasSplit(split)) {
            throw new IllegalArgumentException("split '" + split + "' not found in " + dataset.root() + "; it has "
                    + dataset.splits());
        }
        List<BopImage> records = dataset.images(split);
        if (limit > 0 && records.size() > limit) {
            records = records.subList(0, limit);
        }
        List<InputImage> images = ImageStore.load(dataset, split, records, sizePx, Runtime.getRuntime().availableProcessors());
        return new RunData(dataset, split, records, images);
    }

    /** The images of {@code split} of the dataset at {@code data}, at {@code sizePx}, in split order. */
    public static List<InputImage> images(Path data, String split, int sizePx) {
        return load(BopDataset.open(data), split, sizePx, 0).images;
    }

    private List<EvalTarget> targets;

    /** Evaluation targets in image order (built once); 2D errors are measured in the original image's pixels. */
    List<EvalTarget> targets() {
        if (targets == null) {
            targets = PoseEvaluator.targets(dataset, records);
        }
        return targets;
    }

    /** The images at {@code indices} (positions in this split), in that order. */
    RunData subset(int[] indices) {
        List<BopImage> r = new ArrayList<>(indices.length);
        List<InputImage> im = new ArrayList<>(indices.length);
        for (int i : indices) {
            r.add(records.get(i));
            im.add(images.get(i));
        }
        return new RunData(dataset, split, r, im);
    }

    /**
     * Predicts these images with {@code net}, removes {@code correction}'s depth bias and scores the poses
     * (validation during training and quantization).
     */
    EvaluationResult evaluate(PoseNet net, NDManager manager, RunConfig cfg, DepthCorrection correction) {
        return score(net, manager, cfg, correction).evaluation().result();
    }

    /** Estimates of a scoring and their evaluation, per instance and summarised. */
    record Scored(List<PoseEstimate> estimates, PoseEvaluation evaluation) {}

    /** As {@link #evaluate}, keeping the estimates and the per-instance outcomes. */
    Scored score(PoseNet net, NDManager manager, RunConfig cfg, DepthCorrection correction) {
        List<PoseEstimate> estimates = estimates(predict(net, manager, cfg, correction), -1);
        return new Scored(estimates, PoseEvaluator.evaluate(targets(), estimates));
    }

    /** Fits the depth bias of {@code net}'s uncorrected poses on these images. */
    DepthCorrection.Fit fitDepthCorrection(PoseNet net, NDManager manager, RunConfig cfg) {
        return DepthCorrection.fit(targets(), estimates(predict(net, manager, cfg, DepthCorrection.NONE), -1));
    }

    private List<List<PosePredictor.Prediction>> predict(PoseNet net, NDManager manager, RunConfig cfg,
            DepthCorrection correction) {
        return new PosePredictor(net, manager, cfg.decoder(), cfg.pnp(), RunObject.corners(cfg.objects()), 64, correction)
                .predict(images);
    }

    /** Pose estimates (BOP19 rows) from predictions in image order. */
    List<PoseEstimate> estimates(List<List<PosePredictor.Prediction>> predictions, double secondsPerImage) {
        List<ObjectInfo> objects = dataset.objects();
        List<PoseEstimate> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            BopImage image = records.get(i);
            for (PosePredictor.Prediction p : predictions.get(i)) {
                out.add(new PoseEstimate(new PoseKey(image.sceneId(), image.imageId(), objects.get(p.classIndex()).objId()),
                        p.confidence(), p.objectToCamera(), secondsPerImage));
            }
        }
        return out;
    }
}
