package dev.mqat.train;

import dev.mqat.Seeds;
import dev.mqat.data.Batch;
import dev.mqat.data.InputImage;

import ai.djl.ndarray.NDList;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WDR training objective on a {@link Batch}: targets by {@link TargetAssigner}, loss by {@link PoseLoss}.
 *
 * <p>Positive cells are drawn from the stream (seed, {@link Seeds.Purpose#POSITIVES}, step, image position), so a
 * resumed run draws the same positives. An object without a visible mask uses the box of its projected corners
 * instead.
 */
public final class PoseObjective implements PoseTrainer.Objective {
    private final ModelConfig model;
    private final LossConfig config;
    private final long seed;
    /** Assigner and loss of each image side met so far: whole images and training windows have different grids. */
    private final Map<Integer, ForSide> bySide = new ConcurrentHashMap<>();

    private record ForSide(TargetAssigner assigner, PoseLoss loss) {}

    public PoseObjective(ModelConfig model, LossConfig config, long seed) {
        this.model = model;
        this.config = config;
        this.seed = seed;
    }

    @Override
    public LossParts compute(NDList outputs, Batch batch) {
        return forSide(batch.sizePx()).loss().compute(outputs, targets(batch));
    }

    private ForSide forSide(int side) {
        return bySide.computeIfAbsent(side, s -> {
            AnchorGrid grid = AnchorGrid.of(model, s, s);
            return new ForSide(new TargetAssigner(grid, config), new PoseLoss(grid, config));
        });
    }

    /** The targets of every image of the batch, in batch order. */
    public List<ImageTargets> targets(Batch batch) {
        TargetAssigner assigner = forSide(batch.sizePx()).assigner();
        List<ImageTargets> targets = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            InputImage image = batch.images().get(i);
            List<ObjectInstance> objects = new ArrayList<>();
            for (InputImage.InputObject o : image.objects()) {
                objects.add(instance(image, o));
            }
            SplittableRandom random = Seeds.random(seed, Seeds.Purpose.POSITIVES, batch.step(), i);
            targets.add(assigner.assign(objects, image.camera(), random));
        }
        return targets;
    }

    static ObjectInstance instance(InputImage image, InputImage.InputObject o) {
        int n = image.sizePx();
        boolean[] mask = new boolean[n * n];
        ObjectInstance projected = ObjectInstance.of(o.classIndex(), o.objectToCamera(), o.cornersMm(), image.camera(),
                o.diameterMm(), mask);
        if (o.visibleMask() != null) {
            for (int p = 0; p < mask.length; p++) {
                mask[p] = o.visibleMask()[p] != 0;
            }
        } else {
            double[] px = projected.cornersPx();
            double minU = Double.POSITIVE_INFINITY, minV = Double.POSITIVE_INFINITY;
            double maxU = Double.NEGATIVE_INFINITY, maxV = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                minU = Math.min(minU, px[2 * k]);
                maxU = Math.max(maxU, px[2 * k]);
                minV = Math.min(minV, px[2 * k + 1]);
                maxV = Math.max(maxV, px[2 * k + 1]);
            }
            for (int y = Math.max(0, (int) Math.ceil(minV)); y <= Math.min(n - 1, (int) Math.floor(maxV)); y++) {
                for (int x = Math.max(0, (int) Math.ceil(minU)); x <= Math.min(n - 1, (int) Math.floor(maxU)); x++) {
                    mask[y * n + x] = true;
                }
            }
        }
        return new ObjectInstance(projected.classIndex(), projected.cornersPx(), projected.cornersCameraMm(),
                projected.diameterMm(), mask);
    }
}
