package dev.mqat.train;

import dev.mqat.data.AugmentationConfig;
import dev.mqat.data.Batch;
import dev.mqat.data.InputImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoseTrainerTest {
    @TempDir
    Path tmp;

    private static final ModelConfig TINY = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25);
    /** Head towers of 32 channels in 16 groups: group norm has 2 values per group on the 1x1 map of a 32 px window. */
    private static final ModelConfig SMALL = TINY.withWidthMultiplier(0.5);

    /** Regress the corner offsets to a value set by the image brightness: a loss the network can lower. */
    private static LossParts objective(NDList out, Batch batch) {
        NDArray logits = out.get(1);
        NDArray target = logits.getManager().create(batch.pixels(), new ai.djl.ndarray.types.Shape(batch.size(), 3, 64, 64))
                .reshape(batch.size(), -1).mean(new int[] {1}).reshape(batch.size(), 1, 1);
        NDArray loss = logits.sub(target).square().mean();
        return new LossParts(loss, loss, loss.zerosLike(), 0);
    }

    private static List<InputImage> images(int n) {
        Random r = new Random(3);
        List<InputImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] rgb = new byte[64 * 64 * 3];
            int level = r.nextInt(256);
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] = (byte) Math.min(255, level + r.nextInt(20));
            }
            list.add(new InputImage(rgb, 64, new CameraIntrinsics(80, 80, 31.5, 31.5, 64, 64), List.of()));
        }
        return list;
    }

    private static TreeMap<String, float[]> train(Path run, TrainConfig config, PoseTrainer.Objective objective,
            boolean resume) {
        return train(run, config, objective, resume, new long[1]);
    }

    /** Trains and returns the parameters; {@code steps[0]} receives the run's step count. */
    private static TreeMap<String, float[]> train(Path run, TrainConfig config, PoseTrainer.Objective objective,
            boolean resume, long[] steps) {
        return train(run, config, objective, resume, steps, images(16), TINY);
    }

    private static TreeMap<String, float[]> train(Path run, TrainConfig config, PoseTrainer.Objective objective,
            boolean resume, long[] steps, List<InputImage> data, ModelConfig model) {
        return train(run, config, objective, PoseTrainer.NO_HOOK, resume, steps, data, model);
    }

    private static TreeMap<String, float[]> train(Path run, TrainConfig config, PoseTrainer.Objective objective,
            PoseTrainer.StepHook hook, boolean resume, long[] steps, List<InputImage> data, ModelConfig model) {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseNet net = PoseNet.create(model, manager);
            steps[0] = PoseTrainer.fit(config, net, manager, data, objective, n -> PoseTrainer.Validation.of(0.0), hook, run,
                    resume).steps();
            TreeMap<String, float[]> params = new TreeMap<>();
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                params.put(e.getKey(), e.getValue().getArray().toFloatArray());
            }
            return params;
        }
    }

    @Test
    void lossDecreasesAndLogIsWritten() throws Exception {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 30, 0).withWarmupSteps(0)
                .withAugmentation(AugmentationConfig.none()).withValidateEverySteps(10);
        Engine.getInstance().setRandomSeed(7);
        double first;
        double last;
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseNet net = PoseNet.create(TINY, manager);
            List<Double> losses = new ArrayList<>();
            PoseTrainer.Objective recording = (out, batch) -> {
                LossParts p = objective(out, batch);
                losses.add((double) p.total().getFloat());
                return p;
            };
            PoseTrainer.fit(config, net, manager, images(16), recording, null, tmp, false);
            first = (losses.get(0) + losses.get(1) + losses.get(2) + losses.get(3)) / 4;
            last = (losses.get(26) + losses.get(27) + losses.get(28) + losses.get(29)) / 4;
        }
        assertThat(last).as("mean loss of the last 4 steps vs the first 4").isLessThan(first * 0.5);
        List<String> log = Files.readAllLines(tmp.resolve("log.jsonl"));
        assertThat(log).anyMatch(l -> l.contains("\"event\":\"validation\"")).anyMatch(l -> l.contains("\"event\":\"end\""));
        assertThat(tmp.resolve("checkpoints/last.ckpt")).exists();
        assertThat(tmp.resolve("checkpoints/best.ckpt")).exists();
    }

    @Test
    void resumeAfterInterruptionMatchesUninterruptedRun() {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 8, 0).withValidateEverySteps(4);
        TreeMap<String, float[]> straight = train(tmp.resolve("a"), config, PoseTrainerTest::objective, false);

        int[] calls = {0};
        PoseTrainer.Objective dying = (out, batch) -> {
            if (++calls[0] == 6) {
                throw new IllegalStateException("killed");
            }
            return objective(out, batch);
        };
        Path b = tmp.resolve("b");
        assertThatThrownBy(() -> train(b, config, dying, false)).hasMessageContaining("killed");
        TreeMap<String, float[]> resumed = train(b, config, PoseTrainerTest::objective, true);

        assertThat(resumed.keySet()).isEqualTo(straight.keySet());
        for (String name : straight.keySet()) {
            assertThat(resumed.get(name)).as("parameter %s after resume", name).containsExactly(straight.get(name));
        }
    }

    @Test
    void batchNormCalibrationChangesOnlyTheRunningStatistics() {
        TrainConfig calibrated = TrainConfig.defaults().withBatchSize(4).withBudget(0, 8, 0).withValidateEverySteps(4)
                .withBnCalibrationBatches(2);
        TreeMap<String, float[]> with = train(tmp.resolve("a"), calibrated, PoseTrainerTest::objective, false);
        TreeMap<String, float[]> without = train(tmp.resolve("b"), calibrated.withBnCalibrationBatches(0),
                PoseTrainerTest::objective, false);
        int statistics = 0;
        for (String name : with.keySet()) {
            if (name.endsWith(".running_mean") || name.endsWith(".running_var")) {
                statistics++;
                assertThat(with.get(name)).as("statistic %s is recomputed", name).isNotEqualTo(without.get(name));
            } else {
                assertThat(with.get(name)).as("learned %s is untouched", name).containsExactly(without.get(name));
            }
        }
        assertThat(statistics).isGreaterThan(10);
    }

    /** Images with one box each: a bright square where its mask (the projected corners' bounding box) is. */
    private static List<InputImage> imagesWithObjects(int n) {
        CameraIntrinsics cam = TrainFixtures.camera(64);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        List<InputImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dev.mqat.geometry.Pose pose = TrainFixtures.randomPose(r, r.nextDouble(-80, 80), r.nextDouble(-80, 80),
                    r.nextDouble(250, 450)); // 20-40 px: more mask cells than the quota, so sampling matters
            ObjectInstance obj = TrainFixtures.object(pose, cam);
            byte[] rgb = new byte[64 * 64 * 3];
            byte[] mask = new byte[64 * 64];
            for (int p = 0; p < mask.length; p++) {
                if (obj.visibleAt(p)) {
                    mask[p] = 1;
                    rgb[3 * p] = (byte) (100 + r.nextInt(100));
                    rgb[3 * p + 1] = (byte) 180;
                }
            }
            list.add(new InputImage(rgb, 64, cam, List.of(new InputImage.InputObject(0, pose, mask,
                    TrainFixtures.BOX, 141.4))));
        }
        return list;
    }

    /**
     * Also with training windows (32 px windows of the 64 px images, throughout or for the first half): the windows
     * must be drawn the same after a resume, and each phase must use its side.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "32", "32:0.5,0"})
    void resumeWithThePoseObjectiveMatchesUninterruptedRun(String crop) {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 8, 0).withValidateEverySteps(4)
                .withCrops(crop.isEmpty() ? List.of() : CropPhase.parse(crop));
        List<InputImage> data = imagesWithObjects(16);
        java.util.function.Supplier<PoseObjective> objective =
                () -> new PoseObjective(SMALL, LossConfig.defaults(), 1);
        List<Integer> sides = new ArrayList<>();
        PoseObjective seen = objective.get();
        PoseTrainer.Objective recording = (out, batch) -> {
            sides.add(batch.sizePx());
            return seen.compute(out, batch);
        };
        TreeMap<String, float[]> straight = train(tmp.resolve("pa"), config, recording, false, new long[1], data, SMALL);
        List<Integer> expected = switch (crop) {
            case "" -> Collections.nCopies(8, 64);
            case "32" -> Collections.nCopies(8, 32);
            default -> List.of(32, 32, 32, 32, 64, 64, 64, 64);
        };
        assertThat(sides).as("window side of each step").isEqualTo(expected);

        int[] calls = {0};
        PoseObjective real = objective.get();
        PoseTrainer.Objective dying = (out, batch) -> {
            if (++calls[0] == 6) {
                throw new IllegalStateException("killed");
            }
            return real.compute(out, batch);
        };
        Path b = tmp.resolve("pb");
        assertThatThrownBy(() -> train(b, config, dying, false, new long[1], data, SMALL)).hasMessageContaining("killed");
        TreeMap<String, float[]> resumed = train(b, config, objective.get(), true, new long[1], data, SMALL);

        for (String name : straight.keySet()) {
            assertThat(resumed.get(name)).as("parameter %s after resume", name).containsExactly(straight.get(name));
        }
    }

    @Test
    void resumeAfterASaveCutBetweenOptimizerAndNetworkMatchesUninterruptedRun() throws Exception {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 8, 0).withValidateEverySteps(4);
        TreeMap<String, float[]> straight = train(tmp.resolve("a"), config, PoseTrainerTest::objective, false);

        Path b = tmp.resolve("b");
        int[] calls = {0};
        PoseTrainer.Objective dying = (out, batch) -> {
            if (++calls[0] == 6) {
                throw new IllegalStateException("killed");
            }
            return objective(out, batch);
        };
        assertThatThrownBy(() -> train(b, config, dying, false)).hasMessageContaining("killed");
        Path ckpt = b.resolve("checkpoints/last.ckpt");
        Files.copy(ckpt, tmp.resolve("step4.ckpt"));
        train(b, config, PoseTrainerTest::objective, true);
        assertThat(b.resolve("checkpoints/prev.optim")).as("the step-4 optimizer state kept beside step 8").exists();
        // the state a kill leaves after last.optim (step 8) was written but before last.ckpt (step 8) replaced step 4
        Files.copy(tmp.resolve("step4.ckpt"), ckpt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TreeMap<String, float[]> resumed = train(b, config, PoseTrainerTest::objective, true);

        for (String name : straight.keySet()) {
            assertThat(resumed.get(name)).as("parameter %s after resume", name).containsExactly(straight.get(name));
        }
    }

    @Test
    void resumedTimeLimitedRunContinuesItsBudgetInsteadOfStartingAgain() {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 0, 1.5).withValidateEverySteps(100_000);
        long[] first = new long[1];
        train(tmp.resolve("t"), config, PoseTrainerTest::objective, false, first);
        assertThat(first[0]).isPositive();
        long[] again = new long[1];
        train(tmp.resolve("t"), config, PoseTrainerTest::objective, true, again);
        assertThat(again[0]).as("the 1.5 s budget was used up before the checkpoint").isEqualTo(first[0]);
    }

    /** {@link #objective} before forward {@code from} (1-based), then {@code spoil} of its outputs and loss. */
    private static PoseTrainer.Objective spoiltFrom(int from,
            java.util.function.BiFunction<NDList, LossParts, LossParts> spoil) {
        int[] calls = {0};
        return (out, batch) -> {
            LossParts p = objective(out, batch);
            return ++calls[0] < from ? p : spoil.apply(out, p);
        };
    }

    /**
     * Trains 8 steps with a checkpoint every 4 under {@code objective}, which must stop the run with {@code message}
     * after the step-4 checkpoint and keep it; returns the log lines.
     */
    private List<String> assertStopsKeepingStepFour(Path run, PoseTrainer.Objective objective, String message)
            throws Exception {
        return assertStopsKeepingStepFour(run, objective, PoseTrainer.NO_HOOK, message);
    }

    private List<String> assertStopsKeepingStepFour(Path run, PoseTrainer.Objective objective, PoseTrainer.StepHook hook,
            String message) throws Exception {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 8, 0).withValidateEverySteps(4);
        assertThatThrownBy(() -> train(run, config, objective, hook, false, new long[1], images(16), TINY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message).hasMessageContaining("last good checkpoint is");
        Path last = run.resolve("checkpoints/last.ckpt");
        assertThat(dev.mqat.model.ModelCheckpoint.readHeader(last).metadata().get("step")).isEqualTo("4");
        List<String> log = Files.readAllLines(run.resolve("log.jsonl"));
        assertThat(log.get(log.size() - 1)).contains("\"event\":\"stopped\"");
        return log;
    }

    @Test
    void nanLossAfterACheckpointKeepsItAndLogsTheStop() throws Exception {
        PoseTrainer.Objective nanAtSix = spoiltFrom(6, (out, p) -> {
            NDArray l = p.total().mul(Float.NaN);
            return new LossParts(l, l, l, 0);
        });
        List<String> log = assertStopsKeepingStepFour(tmp.resolve("n6"), nanAtSix, "loss is NaN at step 5");
        assertThat(log.get(log.size() - 1)).contains("NaN");
        assertThat(log).filteredOn(l -> l.contains("\"event\":\"step\"")).as("one line per step").hasSize(5);
    }

    @Test
    void aNanGradientStopsTheRunBeforeItsUpdate() throws Exception {
        // from the 8th forward: the loss value is unchanged, its gradient NaN (0 * d sqrt(x)/dx at x = 0)
        PoseTrainer.Objective nanGradientAtEight = spoiltFrom(8, (out, p) -> {
            NDArray logits = out.get(1);
            NDArray l = p.total().add(logits.sub(logits.stopGradient()).sqrt().sum().mul(0f));
            return new LossParts(l, p.classification(), p.regression(), 0);
        });
        List<String> log = assertStopsKeepingStepFour(tmp.resolve("g8"), nanGradientAtEight,
                "gradient of backbone.stem.weight is not finite at step 7");
        assertThat(log.get(log.size() - 1)).contains("\"step\":8");
        assertThat(log).filteredOn(l -> l.contains("\"event\":\"step\"")).as("the spoilt step is not logged").hasSize(7);
    }

    @Test
    void aParameterSpoiltByTheLastUpdateIsNeverCheckpointed() throws Exception {
        // finite loss and gradients, but an infinite learning rate for the 8th update
        PoseTrainer.StepHook infiniteLastStep = new PoseTrainer.StepHook() {
            @Override
            public double learningRate(long step, long totalSteps, double scheduled) {
                return step == 7 ? Double.POSITIVE_INFINITY : scheduled;
            }
        };
        List<String> log = assertStopsKeepingStepFour(tmp.resolve("p8"), PoseTrainerTest::objective, infiniteLastStep,
                "is not finite after step 8");
        assertThat(log.get(log.size() - 1)).contains("\"step\":8");
    }

    @Test
    void nanLossStopsWithAClearMessage() {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 5, 0);
        PoseTrainer.Objective nan = (out, batch) -> {
            NDArray l = out.get(0).sum().mul(Float.NaN);
            return new LossParts(l, l, l, 0);
        };
        assertThatThrownBy(() -> train(tmp.resolve("n"), config, nan, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("loss is NaN at step 0")
                .hasMessageContaining("before the first checkpoint");
    }

    @Test
    void checkpointsWithoutValidationKeepTrainingStatisticsAndTheFinalOneIsCalibrated() throws Exception {
        TrainConfig config = TrainConfig.defaults().withBatchSize(4).withBudget(0, 4, 0).withValidateEverySteps(2)
                .withAugmentation(AugmentationConfig.none());
        List<InputImage> data = images(16);
        Path run = tmp.resolve("c");
        Path mid = tmp.resolve("mid.ckpt");
        PoseTrainer.StepHook copyMidCheckpoint = new PoseTrainer.StepHook() {
            @Override
            public void beforeStep(long step, long totalSteps, PoseNet net) {
                if (step == 3) { // last.ckpt now holds step 2, saved without a validation
                    try {
                        Files.copy(run.resolve("checkpoints/last.ckpt"), mid);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseNet net = PoseNet.create(TINY, manager);
            PoseTrainer.fit(config, net, manager, data, PoseTrainerTest::objective, null, copyMidCheckpoint, run, false);
        }
        String stat = "backbone.stem.bn.running_mean";
        List<InputImage> calibration = PoseTrainer.calibrationImages(data, config);
        for (Path ckpt : List.of(mid, run.resolve("checkpoints/best.ckpt"))) {
            try (NDManager manager = NDManager.newBaseManager()) {
                PoseNet net = dev.mqat.model.ModelCheckpoint.load(ckpt, manager);
                float[] saved = net.namedParameters().get(stat).getArray().toFloatArray();
                dev.mqat.model.BatchNormCalibration.recalibrate(net, manager, calibration, config.batchSize());
                float[] recalibrated = net.namedParameters().get(stat).getArray().toFloatArray();
                if (ckpt.equals(mid)) {
                    assertThat(saved).as("statistics of a resume-only checkpoint").isNotEqualTo(recalibrated);
                } else {
                    assertThat(saved).as("statistics of the final checkpoint").containsExactly(recalibrated);
                }
            }
        }
    }
}
