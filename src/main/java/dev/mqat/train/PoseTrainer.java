package dev.mqat.train;

import dev.mqat.Durations;
import dev.mqat.Progress;
import dev.mqat.Seeds;
import dev.mqat.data.Batch;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.mqat.AtomicFiles;
import dev.mqat.Reporter;
import dev.mqat.RunLog;
import dev.mqat.model.BatchNormCalibration;
import dev.mqat.model.ConvGradientCheck;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: batches from a {@link BatchLoader}, forward and backward inside an {@link NDScope}, the
 * optimizer step outside it, a learning-rate schedule, validation, checkpoints and a JSON-lines log.
 *
 * <p>Run folder layout: {@code log.jsonl} (one object per step, validation, stop and end),
 * {@code checkpoints/last.ckpt} + {@code checkpoints/last.optim} (written after every validation and at the
 * end; the pair is checked on resume), {@code checkpoints/best.ckpt} (best validation score so far). Before a
 * new pair is written the old optimizer state becomes {@code prev.optim}, so a kill between the two writes leaves
 * {@code last.ckpt} with a matching optimizer state. A time-limited run stores its elapsed training time in the
 * checkpoint, so a resumed run continues the same budget and learning-rate schedule.
 *
 * <p>Before each validation and checkpoint the batch-norm running statistics are recomputed over a fixed set of
 * unaugmented training images ({@link TrainConfig#bnCalibrationBatches()}, {@link BatchNormCalibration}), so that
 * validation scores the weights rather than the last few batches' statistics.
 *
 * <p>Before each update the gradients are clipped to {@link TrainConfig#maxGradNorm()} (their norm before clipping
 * goes into the step's log line).
 *
 * <p>Pitfalls: without the per-step scope DJL keeps every intermediate alive (tens of MB per step); a NaN or
 * infinite loss or gradient norm stops the run before its update and leaves the last good checkpoint in place.
 */
public final class PoseTrainer {

    /** Computes the loss of a forward pass. */
    @FunctionalInterface
    public interface Objective {
        /**
         * @param outputs the network outputs for {@code batch}
         * @return the loss to minimise and its parts to log (all owned by the current scope)
         */
        LossParts compute(NDList outputs, Batch batch);
    }

    /**
     * Per-step control for schedules that quantization-aware training needs (INQ freezing steps and their
     * learning-rate pattern). Called on the training thread before each step, outside any scope.
     */
    public interface StepHook {
        /** Runs before step {@code step} (0-based) of a budget of {@code totalSteps}. */
        default void beforeStep(long step, long totalSteps, PoseNet net) {}

        /** The learning rate to use at {@code step}, given the one the config's schedule gives. */
        default double learningRate(long step, long totalSteps, double scheduled) {
            return scheduled;
        }
    }

    /** No per-step control: the config's schedule as is. */
    public static final StepHook NO_HOOK = new StepHook() {};

    /**
     * Scores the network on held-out data before each checkpoint; higher is better (e.g. ADI-0.1d in %).
     * It may also fit post-processing state (a depth correction) whose metadata goes into the checkpoint.
     */
    @FunctionalInterface
    public interface Validator {
        Validation validate(PoseNet net);
    }

    /**
     * What a validation found.
     *
     * @param score the score, NaN when there is nothing to score on (the last checkpoint then becomes the best)
     * @param metadata entries to record in the checkpoints saved with this validation
     */
    public record Validation(double score, Map<String, String> metadata) {
        public Validation {
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** A score without metadata. */
        public static Validation of(double score) {
            return new Validation(score, Map.of());
        }
    }

    /**
     * What a finished run did.
     *
     * @param steps steps done in total (including those before a resume)
     * @param lastLoss loss of the last step
     * @param bestScore best validation score, NaN when no validation ran
     * @param elapsed training time of the run, the part before a resume included
     */
    public record Result(long steps, double lastLoss, double bestScore, Duration elapsed) {}


    private PoseTrainer() {}

    /**
     * Trains {@code net} (initialised, owned by {@code manager}) on {@code images}.
     *
     * @param resume continue from {@code runDir/checkpoints/last.*} instead of starting fresh
     * @param validator scores the network after each epoch (or every {@code validateEverySteps}); may be null
     */
    public static Result fit(TrainConfig config, PoseNet net, NDManager manager, List<InputImage> images,
            Objective objective, Validator validator, Path runDir, boolean resume) {
        return fit(config, net, manager, images, objective, validator, NO_HOOK, runDir, resume);
    }

    /**
     * {@link #fit(TrainConfig, PoseNet, NDManager, List, Objective, Validator, Path, boolean)} with per-step control.
     * Step hooks need a step or epoch budget (they are told the total).
     */
    public static Result fit(TrainConfig config, PoseNet net, NDManager manager, List<InputImage> images,
            Objective objective, Validator validator, StepHook hook, Path runDir, boolean resume) {
        ConvGradientCheck.verify(net.config());
        Path ckptDir = runDir.resolve("checkpoints");
        Path last = ckptDir.resolve("last.ckpt");
        Path best = ckptDir.resolve("best.ckpt");
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        net.namedParameters().forEach((name, p) -> {
            if (p.requiresGradient()) {
                trainable.put(name, p);
            }
        });
        long perEpoch = BatchLoader.stepsPerEpoch(images.size(), config.batchSize());
        long totalSteps = config.steps() > 0 ? config.steps()
                : config.epochs() > 0 ? config.epochs() * perEpoch : Long.MAX_VALUE;
        // a time-limited run validates at its end unless told otherwise: validation time would come out of its budget
        long validateEvery = config.validateEverySteps() > 0 ? config.validateEverySteps()
                : config.timeLimitSeconds() > 0 ? Long.MAX_VALUE : perEpoch;
        ParameterStore store = new ParameterStore(manager, false);
        List<InputImage> calibration = calibrationImages(images, config);
        Runnable calibrate = () -> BatchNormCalibration.recalibrate(net, manager, calibration, config.batchSize());
        long processStartNanos = System.nanoTime();
        long startNanos = processStartNanos; // moved back by the training time before a resume
        boolean checkpointed = false;
        boolean lastSaveCalibrated = false;
        try (ParameterOptimizer optimizer = new ParameterOptimizer(config.optimizer(), trainable, manager)) {
            long step = 0;
            double bestScore = Double.NaN;
            if (resume) {
                ModelCheckpoint.Header header = ModelCheckpoint.readHeader(last);
                ModelCheckpoint.load(net, last);
                step = Long.parseLong(header.metadata().getOrDefault("step", "-1"));
                loadOptimizerAt(optimizer, ckptDir, step);
                bestScore = Double.parseDouble(header.metadata().getOrDefault("best_score", "NaN"));
                double trainedSeconds = Double.parseDouble(header.metadata().getOrDefault("elapsed_seconds", "0"));
                startNanos -= (long) (trainedSeconds * 1e9);
                checkpointed = true;
                long resumedAt = step;
                RunLog.in(runDir).keepOnly(n -> n.path("step").asLong(0) <= resumedAt
                        && !"end".equals(n.path("event").asText()));
            } else {
                RunLog.in(runDir).clear();
            }
            long firstStep = step;
            String totalLabel = totalSteps == Long.MAX_VALUE ? "time-limited" : Long.toString(totalSteps);
            Progress progress = new Progress("train", totalSteps == Long.MAX_VALUE ? 0 : totalSteps, step, "step", Reporter::line,
                    2000);
            double lastLoss = Double.NaN;
            long endExclusive = totalSteps == Long.MAX_VALUE ? Long.MAX_VALUE / 4 : totalSteps;
            long budgetStart = startNanos;
            BatchLoader.WindowSides windows = s -> config.cropAt(budgetFraction(config, s, totalSteps, budgetStart));
            try (BatchLoader loader = new BatchLoader(images, config.batchSize(), config.seed(), config.augmentation(), step,
                    endExclusive, config.loaderThreads(), windows)) {
                while (step < totalSteps) {
                    double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
                    if (config.timeLimitSeconds() > 0 && elapsedSeconds >= config.timeLimitSeconds()) {
                        break;
                    }
                    double fraction = budgetFraction(config, step, totalSteps, startNanos);
                    double lr = hook.learningRate(step, totalSteps, config.learningRateAt(step, fraction));
                    hook.beforeStep(step, totalSteps, net);
                    Batch batch = loader.next();
                    Map<String, Double> parts = new LinkedHashMap<>();
                    try (NDScope scope = new NDScope(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
                        NDArray input = HostArrays.copyOf(manager, batch.pixels(), new Shape(batch.size(), 3, batch.sizePx(),
                                batch.sizePx()));
                        NDList outputs = net.forward(store, new NDList(input), true);
                        LossParts loss = objective.compute(outputs, batch);
                        gc.backward(loss.total());
                        lastLoss = loss.total().getFloat();
                        parts.put("cls", (double) loss.classification().getFloat());
                        parts.put("reg", (double) loss.regression().getFloat());
                        parts.put("pos", (double) loss.positives());
                    }
                    if (!Double.isFinite(lastLoss)) {
                        throw stop(runDir, step + 1, "loss is " + lastLoss + " at step " + step + " (lr " + lr + ")",
                                checkpointed ? last : null);
                    }
                    double gradNorm = optimizer.clipGradients(config.maxGradNorm());
                    if (!Double.isFinite(gradNorm)) {
                        String first = optimizer.firstNonFiniteGradient();
                        throw stop(runDir, step + 1, "gradient of " + (first == null ? "a parameter" : first)
                                + " is not finite at step " + step + " (gradient norm " + gradNorm + ", lr " + lr + ")",
                                checkpointed ? last : null);
                    }
                    optimizer.step(lr);
                    step++;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("event", "step");
                    line.put("step", step);
                    line.put("epoch", batch.epoch());
                    line.put("lr", lr);
                    line.put("loss", lastLoss);
                    line.putAll(parts);
                    line.put("grad_norm", gradNorm);
                    RunLog.in(runDir).append(line);
                    String left = config.timeLimitSeconds() > 0
                            ? " time " + Durations.format(Duration.ofNanos(System.nanoTime() - startNanos)) + " of "
                                    + Durations.format(Duration.ofMillis((long) (config.timeLimitSeconds() * 1000)))
                            : "";
                    double imagesPerSecond = (step - firstStep) * (double) config.batchSize()
                            / Math.max(1e-9, secondsSince(processStartNanos));
                    progress.update(step, String.format("epoch %d loss %.4f%s lr %.2e %.0f img/s%s", batch.epoch(), lastLoss,
                            format(parts), lr, imagesPerSecond, left));
                    boolean atEnd = step >= totalSteps;
                    if (step % validateEvery == 0 || atEnd) {
                        // batch-norm statistics only matter to a validation and to the run's final network: a
                        // checkpoint kept for resuming skips the calibration (training uses batch statistics)
                        lastSaveCalibrated = validator != null || atEnd;
                        bestScore = validateAndSave(net, lastSaveCalibrated ? calibrate : null, validator, optimizer,
                                ckptDir, runDir, step, perEpoch, bestScore, secondsSince(startNanos),
                                checkpointed ? last : null);
                        checkpointed = true;
                    }
                }
            }
            if (config.timeLimitSeconds() > 0 && (step % validateEvery != 0 || !lastSaveCalibrated)) {
                bestScore = validateAndSave(net, calibrate, validator, optimizer, ckptDir, runDir, step, perEpoch, bestScore,
                        secondsSince(startNanos), checkpointed ? last : null);
            }
            if (Double.isNaN(bestScore)) {
                // nothing was scored: the final step, as last.ckpt holds it (calibrated, with its metadata), is the best
                ModelCheckpoint.save(net, best, ModelCheckpoint.readHeader(last).metadata());
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("event", "end");
            end.put("step", step);
            end.put("loss", lastLoss);
            end.put("best_score", bestScore);
            end.put("seconds", elapsed.toMillis() / 1000.0);
            end.put("total_steps", totalLabel);
            RunLog.in(runDir).append(end);
            return new Result(step, lastLoss, bestScore, elapsed);
        }
    }

    /** Logs a {@code stopped} event and returns the exception that ends the run, naming what is kept. */
    /**
     * The fraction of the budget used at {@code step}: of the wall-clock limit for a time-limited run (elapsed since
     * {@code startNanos}), else of the step budget.
     */
    private static double budgetFraction(TrainConfig config, long step, long totalSteps, long startNanos) {
        return config.timeLimitSeconds() > 0 ? (System.nanoTime() - startNanos) / 1e9 / config.timeLimitSeconds()
                : (double) step / totalSteps;
    }

    private static IllegalStateException stop(Path runDir, long step, String reason, Path lastGood) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "stopped");
        line.put("step", step);
        line.put("reason", reason);
        RunLog.in(runDir).append(line);
        return new IllegalStateException(reason + "; stopped, "
                + (lastGood != null ? "the last good checkpoint is " + lastGood : "before the first checkpoint")
                + "; try a lower --lr");
    }

    /** The name of the first parameter holding a NaN or an infinity, null when all are finite. */
    private static String firstNonFinite(PoseNet net) {
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            if (!e.getValue().isInitialized()) {
                continue;
            }
            try (NDScope scope = new NDScope()) {
                if (ParameterOptimizer.holdsNonFinite(e.getValue().getArray())) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /**
     * Scores the network, saves {@code best.ckpt} when the score improves and always {@code last.*}, logs the
     * validation; returns the new best score. Stops the run instead when a parameter is not finite.
     *
     * @param calibrate recalibrates batch-norm statistics before the save; null to save them as training left them
     * @param lastGood the checkpoint kept from before, null if none
     */
    private static double validateAndSave(PoseNet net, Runnable calibrate, Validator validator,
            ParameterOptimizer optimizer, Path ckptDir, Path runDir, long step, long perEpoch, double bestScore,
            double elapsedSeconds, Path lastGood) {
        // the last update can spoil a parameter after a finite loss: such a network is never checkpointed
        String spoilt = firstNonFinite(net);
        if (spoilt != null) {
            throw stop(runDir, step, "parameter " + spoilt + " is not finite after step " + step, lastGood);
        }
        if (calibrate != null) {
            calibrate.run();
        }
        Validation validation = validator == null ? Validation.of(Double.NaN) : validator.validate(net);
        double score = validation.score();
        if (!Double.isNaN(score) && (Double.isNaN(bestScore) || score > bestScore)) {
            bestScore = score;
            ModelCheckpoint.save(net, ckptDir.resolve("best.ckpt"),
                    metadata(step, score, bestScore, elapsedSeconds, validation.metadata()));
        }
        save(net, optimizer, ckptDir, metadata(step, score, bestScore, elapsedSeconds, validation.metadata()));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("event", "validation");
        v.put("step", step);
        v.put("epoch", (int) (step / perEpoch));
        v.put("score", score);
        v.put("best_score", bestScore);
        v.putAll(validation.metadata());
        RunLog.in(runDir).append(v);
        if (Double.isNaN(score)) {
            Reporter.line("checkpoint at step %d (not validated here: the final step becomes best.ckpt)", step);
        } else {
            Reporter.line("validation at step %d: score %.2f (best %.2f)", step, score, bestScore);
        }
        return bestScore;
    }

    /**
     * The images batch-norm calibration averages over: the first {@code bnCalibrationBatches} full batches of a
     * seeded shuffle of the training images, the same at every validation and across a resume.
     */
    public static List<InputImage> calibrationImages(List<InputImage> images, TrainConfig config) {
        List<InputImage> out = new ArrayList<>();
        for (int i : calibrationIndices(images.size(), (long) config.bnCalibrationBatches() * config.batchSize(), config)) {
            out.add(images.get(i));
        }
        return out;
    }

    /**
     * Positions of the first {@code count} (at most all) of {@code imageCount} training images in the calibration
     * shuffle, seeded by the run's seed: the same images at every validation and across a resume.
     */
    public static int[] calibrationIndices(int imageCount, long count, TrainConfig config) {
        int[] order = BatchLoader.permutation(imageCount, Seeds.random(config.seed(), Seeds.Purpose.CALIBRATION_ORDER));
        return Arrays.copyOf(order, (int) Math.min(imageCount, count));
    }

    private static String format(Map<String, Double> parts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : parts.entrySet()) {
            sb.append(e.getKey().equals("pos") ? String.format(" %s %.0f", e.getKey(), e.getValue())
                    : String.format(" %s %.4f", e.getKey(), e.getValue()));
        }
        return sb.length() == 0 ? "" : " (" + sb.substring(1) + ")";
    }

    private static Map<String, String> metadata(long step, double score, double bestScore, double elapsedSeconds,
            Map<String, String> validation) {
        Map<String, String> m = new LinkedHashMap<>(validation);
        m.put("step", Long.toString(step));
        m.put("score", Double.toString(score));
        m.put("best_score", Double.toString(bestScore));
        m.put("elapsed_seconds", Double.toString(elapsedSeconds));
        return m;
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Writes the optimizer state and then the network: the previous state is kept as {@code prev.optim} until the
     * new {@code last.ckpt} is in place, so every moment has a {@code last.ckpt} with a matching state on disk.
     */
    private static void save(PoseNet net, ParameterOptimizer optimizer, Path ckptDir, Map<String, String> metadata) {
        Path lastOptim = ckptDir.resolve("last.optim");
        try {
            Files.createDirectories(ckptDir);
            if (Files.exists(lastOptim)) {
                Files.move(lastOptim, ckptDir.resolve("prev.optim"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(lastOptim + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(lastOptim, out -> {
            DataOutputStream data = new DataOutputStream(out);
            optimizer.save(data);
            data.flush();
        });
        ModelCheckpoint.save(net, ckptDir.resolve("last.ckpt"), metadata);
    }

    /** Whether {@code ckptDir} holds a checkpoint that {@code fit(..., resume = true)} can continue. */
    public static boolean canResume(Path ckptDir) {
        return Files.isRegularFile(ckptDir.resolve("last.ckpt"))
                && (Files.isRegularFile(ckptDir.resolve("last.optim")) || Files.isRegularFile(ckptDir.resolve("prev.optim")));
    }

    /** Loads the optimizer state saved at {@code step}: {@code last.optim}, or {@code prev.optim} after a cut save. */
    private static void loadOptimizerAt(ParameterOptimizer optimizer, Path ckptDir, long step) {
        List<String> found = new ArrayList<>();
        for (String name : List.of("last.optim", "prev.optim")) {
            Path file = ckptDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                optimizer.load(in, file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
            if (optimizer.updates() == step) {
                return;
            }
            found.add(name + " at step " + optimizer.updates());
        }
        throw new IllegalStateException(ckptDir.resolve("last.ckpt") + ": checkpoint is at step " + step
                + " but no optimizer state matches it (" + (found.isEmpty() ? "none found" : String.join(", ", found))
                + "); delete the checkpoints folder to restart");
    }
}
