package dev.mqat.eval;

import dev.mqat.data.BopDataset;
import dev.mqat.data.BopImage;
import dev.mqat.data.GroundTruth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Scores estimated poses against ground truth: matching, per-instance errors over all model points, and the
 * summary overall and per near/medium/far depth bin.
 *
 * <p>Matching: estimates are grouped by (scene, image, object). A key with k ground-truth instances uses its k
 * highest-scoring estimates (ties keep file order); in descending score order each is matched to the still
 * unmatched instance with the lowest ADD error. With one instance per object and image, as in SwissCube and
 * LINEMOD, this is simply "the highest score wins". An instance left without an estimate is a failure under
 * every threshold (the SwissCube evaluation instead scores it as error 1.0 d and 50 px: the same failure).
 *
 * <p>Thresholds: ADD and ADI below 0.1 d and 0.5 d (d = object diameter), 2D projection error below 5 px; strict
 * inequalities, as bop_toolkit. Instances are scored in parallel; the result does not depend on thread timing.
 */
public final class PoseEvaluator {

    /** Receives progress while instances are scored; called from worker threads, so it must be thread-safe. */
    @FunctionalInterface
    public interface ProgressListener {
        /** {@code done} of {@code total} ground-truth instances have been scored. */
        void instancesDone(int done, int total);

        /** A listener that ignores progress. */
        ProgressListener NONE = (done, total) -> { };
    }

    private PoseEvaluator() {}

    /**
     * The ground-truth instances of a dataset split as evaluation targets, in image order then
     * {@code scene_gt.json} order; one {@link ModelPoints} per object (all mesh vertices, diameter from
     * {@code models_info.json}).
     *
     * @throws IllegalArgumentException when the split does not exist
     * @throws dev.mqat.MqatFormatException when a dataset file or mesh is malformed
     * @throws java.io.UncheckedIOException when a required dataset file or mesh is missing
     */
    public static List<EvalTarget> targets(BopDataset dataset, String split) {
        return targets(dataset, dataset.images(split));
    }

    /** {@link #targets(BopDataset, String)} for a chosen list of the dataset's images, in that order. */
    public static List<EvalTarget> targets(BopDataset dataset, List<BopImage> images) {
        Map<Integer, ModelPoints> models = new HashMap<>();
        List<EvalTarget> out = new ArrayList<>();
        for (BopImage image : images) {
            for (GroundTruth gt : image.groundTruths()) {
                int objId = gt.instance().objId();
                ModelPoints model = models.computeIfAbsent(objId,
                        id -> ModelPoints.ofMesh(dataset.mesh(id), dataset.object(id).diameterMm()));
                out.add(new EvalTarget(new PoseKey(image.sceneId(), image.imageId(), objId),
                        gt.instance().objectToCamera(), image.camera(), model));
            }
        }
        return out;
    }

    /** Evaluates estimates against every ground-truth instance of a dataset split ({@link #targets}). */
    public static PoseEvaluation evaluate(BopDataset dataset, String split, List<PoseEstimate> estimates) {
        return evaluate(targets(dataset, split), estimates, ProgressListener.NONE);
    }

    /**
     * Evaluates estimates against ground-truth instances.
     *
     * @param targets the ground-truth instances of the evaluated set (several may share a key)
     * @param estimates estimated poses, in any order; keys outside the set are counted as unused
     */
    public static PoseEvaluation evaluate(List<EvalTarget> targets, List<PoseEstimate> estimates) {
        return evaluate(targets, estimates, ProgressListener.NONE);
    }

    /**
     * {@link #evaluate(List, List)} reporting progress: the listener is told after each (scene, image, object)
     * key is scored.
     */
    public static PoseEvaluation evaluate(List<EvalTarget> targets, List<PoseEstimate> estimates,
            ProgressListener progress) {
        Map<PoseKey, List<Integer>> targetsByKey = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            targetsByKey.computeIfAbsent(targets.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        Map<PoseKey, List<PoseEstimate>> estimatesByKey = new HashMap<>();
        for (PoseEstimate e : estimates) {
            estimatesByKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
        }
        int unused = 0;
        for (Map.Entry<PoseKey, List<PoseEstimate>> entry : estimatesByKey.entrySet()) {
            List<Integer> inst = targetsByKey.get(entry.getKey());
            int available = inst == null ? 0 : inst.size();
            unused += Math.max(0, entry.getValue().size() - available);
        }

        List<PoseKey> keys = new ArrayList<>(targetsByKey.keySet());
        InstanceErrors[] errors = new InstanceErrors[targets.size()];
        AtomicInteger done = new AtomicInteger();
        int total = targets.size();
        IntStream.range(0, keys.size()).parallel().forEach(k -> {
            PoseKey key = keys.get(k);
            List<PoseEstimate> candidates = estimatesByKey.get(key);
            List<Integer> instances = targetsByKey.get(key);
            if (candidates != null) {
                match(instances, candidates, targets, errors);
            }
            progress.instancesDone(done.addAndGet(instances.size()), total);
        });

        List<InstanceOutcome> outcomes = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            EvalTarget t = targets.get(i);
            outcomes.add(new InstanceOutcome(t.key(), t.depthMm(), t.model().diameterMm(), errors[i]));
        }
        return new PoseEvaluation(outcomes, EvaluationResult.of(outcomes), unused);
    }

    /** Fills {@code errors} for the instances of one key; writes only their own slots. */
    private static void match(List<Integer> instances, List<PoseEstimate> candidates,
            List<EvalTarget> targets, InstanceErrors[] errors) {
        List<PoseEstimate> ranked = new ArrayList<>(candidates);
        // stable sort: equal scores keep their input order
        ranked.sort(Comparator.comparingDouble(PoseEstimate::score).reversed());
        List<Integer> open = new ArrayList<>(instances);
        for (int r = 0; r < ranked.size() && !open.isEmpty(); r++) {
            PoseEstimate est = ranked.get(r);
            int bestSlot = 0;
            if (open.size() > 1) {
                double bestAdd = Double.POSITIVE_INFINITY;
                for (int s = 0; s < open.size(); s++) {
                    EvalTarget t = targets.get(open.get(s));
                    double add = PoseErrors.add(est.objectToCamera(), t.truth(), t.model());
                    if (add < bestAdd) {
                        bestAdd = add;
                        bestSlot = s;
                    }
                }
            }
            int target = open.remove(bestSlot);
            errors[target] = InstanceErrors.of(est.objectToCamera(), targets.get(target));
        }
    }
}
