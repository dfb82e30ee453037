package dev.mqat.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Forward + loss + backward + Adam step time of the CPU preset at batch 32, 128 px. Run with
 * {@code mvn -o -q test -Dtest=StepTimeBenchmark -Dmqat.excludedGroups= -Dmqat.test.threads=2 -Dbench.batch=32
 * -Dbench.steps=20}; {@code -Dbench.trace=FILE.json} also writes a libtorch profiler trace of the timed steps.
 */
@Tag("benchmark")
class StepTimeBenchmark {

    @Test
    void cpuPresetTrainingStep() {
        int batch = Integer.getInteger("bench.batch", 32);
        int steps = Integer.getInteger("bench.steps", 20);
        int warmup = 5;
        Engine.getInstance().setRandomSeed(1);
        ModelConfig config = ModelConfig.defaults();
        int px = config.inputSizePx();
        CameraIntrinsics cam = TrainFixtures.camera(px);
        AnchorGrid grid = AnchorGrid.of(config, px, px);
        SplittableRandom r = new SplittableRandom(5);
        List<ImageTargets> targets = new ArrayList<>();
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        float[] pixels = new float[batch * 3 * px * px];
        for (int i = 0; i < batch; i++) {
            ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(r, r.nextDouble(-200, 200), r.nextDouble(-200, 200),
                    r.nextDouble(450, 3000)), cam);
            targets.add(assigner.assign(List.of(obj), cam, r.split()));
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        PoseLoss loss = new PoseLoss(grid, LossConfig.defaults());
        try (Model model = Model.newInstance("bench")) {
            model.setBlock(PoseNet.build(config));
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(batch, 3, px, px));
                NDArray x = HostArrays.copyOf(model.getNDManager(), pixels, new Shape(batch, 3, px, px));
                double[] fwd = new double[steps], bwd = new double[steps], upd = new double[steps], tot = new double[steps];
                String trace = System.getProperty("bench.trace");
                for (int s = 0; s < warmup + steps; s++) {
                    if (trace != null && s == warmup) {
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, Boolean.getBoolean("bench.shapes"), false);
                    }
                    long t0 = System.nanoTime();
                    long t1;
                    long t2;
                    try (NDScope scope = new NDScope(); GradientCollector gc = trainer.newGradientCollector()) {
                        NDList out = trainer.forward(new NDList(x));
                        LossParts parts = loss.compute(out, targets);
                        parts.total().getFloat();
                        t1 = System.nanoTime();
                        gc.backward(parts.total());
                        t2 = System.nanoTime();
                    }
                    trainer.step();
                    long t3 = System.nanoTime();
                    if (s >= warmup) {
                        int k = s - warmup;
                        fwd[k] = (t1 - t0) / 1e6;
                        bwd[k] = (t2 - t1) / 1e6;
                        upd[k] = (t3 - t2) / 1e6;
                        tot[k] = (t3 - t0) / 1e6;
                    }
                }
                if (trace != null) {
                    ai.djl.pytorch.jni.JniUtils.stopProfile(trace);
                }
                System.out.printf("step time wdr-cpu batch %d, %d px: median total %.1f ms (forward+loss %.1f, backward %.1f,"
                        + " optimizer %.1f) over %d steps%n", batch, px, median(tot), median(fwd), median(bwd), median(upd), steps);
            }
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
