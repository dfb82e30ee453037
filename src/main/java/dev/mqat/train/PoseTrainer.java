package dev.mqat.train;

import dev.mqat.Durations;
import dev.mqat.Progress;
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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop: batches from a {@link BatchLoader}, forward and backward inside an {@link NDScope}, the
 * optimizer step outside it, a learning-rate schedule, validation, checkpoints and a JSON-lines log.
 *
 * <p>Run folder layout: {@code log.jsonl} (one object per logged step, validation and end),
 * {@code checkpoints/last.ckpt} + {@code checkpoints/last.optim} (written after every validation and at the
 * end; the pair is checked on resume), {@code checkpoints/best.ckpt} (best validation score so far).
 *
 * <p>Pitfalls: without the per-step scope DJL keeps every intermediate alive (tens of MB per step); a NaN or
 * infinite loss stops the run and leaves the last good checkpoint in place.
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

    /** Scores the network on held-out data; higher is better (e.g. ADI-0.1d in %). */
    @FunctionalInterface
    public interface Validator {
        double score(PoseNet net);
    }

    /**
     * What a finished run did.
     *
     * @param steps steps done in total (including those before a resume)
     * @param lastLoss loss of the last step
     * @param bestScore best validation score, NaN when no validation ran
     * @param elapsed wall time of this process's part of the run
     */
    public record Result(long steps, double lastLoss, double bestScore, Duration elapsed) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

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
        Path ckptDir = runDir.resolve("checkpoints");
        Path last = ckptDir.resolve("last.ckpt");
        Path lastOptim = ckptDir.resolve("last.optim");
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
        long validateEvery = config.validateEverySteps() > 0 ? config.validateEverySteps() : perEpoch;
        ParameterStore store = new ParameterStore(manager, false);
        long startNanos = System.nanoTime();
        try (ParameterOptimizer optimizer = new ParameterOptimizer(config.optimizer(), trainable, manager)) {
            long step = 0;
            double bestScore = Double.NaN;
            if (resume) {
                ModelCheckpoint.Header header = ModelCheckpoint.readHeader(last);
                ModelCheckpoint.load(net, last);
                try (DataInputStream in = new DataInputStream(Files.newInputStream(lastOptim))) {
                    optimizer.load(in, lastOptim.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(lastOptim + ": " + e.getMessage(), e);
                }
                step = Long.parseLong(header.metadata().getOrDefault("step", "-1"));
                if (step != optimizer.updates()) {
                    throw new IllegalStateException(last + ": checkpoint is at step " + step + " but " + lastOptim
                            + " at step " + optimizer.updates() + "; the run was interrupted while saving, delete both to restart");
                }
                bestScore = Double.parseDouble(header.metadata().getOrDefault("best_score", "NaN"));
                keepLogUpTo(runDir.resolve("log.jsonl"), step);
            } else {
                truncate(runDir.resolve("log.jsonl"));
            }
            long firstStep = step;
            String totalLabel = totalSteps == Long.MAX_VALUE ? "time-limited" : Long.toString(totalSteps);
            Progress progress = new Progress("train", totalSteps == Long.MAX_VALUE ? 0 : totalSteps, step, "step", System.err,
                    2000);
            double lastLoss = Double.NaN;
            long endExclusive = totalSteps == Long.MAX_VALUE ? Long.MAX_VALUE / 4 : totalSteps;
            try (BatchLoader loader = new BatchLoader(images, config.batchSize(), config.seed(), config.augmentation(), step,
                    endExclusive, config.loaderThreads())) {
                while (step < totalSteps) {
                    double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
                    if (config.timeLimitSeconds() > 0 && elapsedSeconds >= config.timeLimitSeconds()) {
                        break;
                    }
                    double fraction = config.timeLimitSeconds() > 0 ? elapsedSeconds / config.timeLimitSeconds()
                            : (double) step / totalSteps;
                    double lr = hook.learningRate(step, totalSteps, config.learningRateAt(step, fraction));
                    hook.beforeStep(step, totalSteps, net);
                    Batch batch = loader.next();
                    Map<String, Double> parts = new LinkedHashMap<>();
                    try (NDScope scope = new NDScope(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
                        NDArray input = manager.create(batch.pixels(), new Shape(batch.size(), 3, batch.sizePx(),
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
                        throw new IllegalStateException("loss is " + lastLoss + " at step " + step + " (lr " + lr
                                + "); stopped, the last good checkpoint is " + last + "; try a lower --lr");
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
                    if (step % 10 == 0 || step == 1) {
                        appendLog(runDir, line);
                    }
                    String left = config.timeLimitSeconds() > 0
                            ? " time " + Durations.format(Duration.ofNanos(System.nanoTime() - startNanos)) + " of "
                                    + Durations.format(Duration.ofMillis((long) (config.timeLimitSeconds() * 1000)))
                            : "";
                    double imagesPerSecond = (step - firstStep) * (double) config.batchSize()
                            / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
                    progress.update(step, String.format("epoch %d loss %.4f%s lr %.2e %.0f img/s%s", batch.epoch(), lastLoss,
                            format(parts), lr, imagesPerSecond, left));
                    boolean atEnd = step >= totalSteps;
                    if (step % validateEvery == 0 || atEnd) {
                        bestScore = validateAndSave(net, validator, optimizer, ckptDir, runDir, step, perEpoch, bestScore);
                    }
                }
            }
            if (config.timeLimitSeconds() > 0 && step % validateEvery != 0) {
                bestScore = validateAndSave(net, validator, optimizer, ckptDir, runDir, step, perEpoch, bestScore);
            }
            if (validator == null) {
                ModelCheckpoint.save(net, best, metadata(step, Double.NaN, Double.NaN));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("event", "end");
            end.put("step", step);
            end.put("loss", lastLoss);
            end.put("best_score", bestScore);
            end.put("seconds", elapsed.toMillis() / 1000.0);
            end.put("total_steps", totalLabel);
            appendLog(runDir, end);
            return new Result(step, lastLoss, bestScore, elapsed);
        }
    }

    /**
     * Scores the network, saves {@code best.ckpt} when the score improves and always {@code last.*}, logs the
     * validation; returns the new best score.
     */
    private static double validateAndSave(PoseNet net, Validator validator, ParameterOptimizer optimizer, Path ckptDir,
            Path runDir, long step, long perEpoch, double bestScore) {
        double score = validator == null ? Double.NaN : validator.score(net);
        if (!Double.isNaN(score) && (Double.isNaN(bestScore) || score > bestScore)) {
            bestScore = score;
            ModelCheckpoint.save(net, ckptDir.resolve("best.ckpt"), metadata(step, score, bestScore));
        }
        save(net, optimizer, ckptDir.resolve("last.ckpt"), ckptDir.resolve("last.optim"), step, score, bestScore);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("event", "validation");
        v.put("step", step);
        v.put("epoch", (int) (step / perEpoch));
        v.put("score", score);
        v.put("best_score", bestScore);
        appendLog(runDir, v);
        if (validator == null) {
            System.err.printf("checkpoint at step %d (no validation split: the final step becomes best.ckpt)%n", step);
        } else {
            System.err.printf("validation at step %d: score %.2f (best %.2f)%n", step, score, bestScore);
        }
        return bestScore;
    }

    private static String format(Map<String, Double> parts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : parts.entrySet()) {
            sb.append(e.getKey().equals("pos") ? String.format(" %s %.0f", e.getKey(), e.getValue())
                    : String.format(" %s %.4f", e.getKey(), e.getValue()));
        }
        return sb.length() == 0 ? "" : " (" + sb.substring(1) + ")";
    }

    private static Map<String, String> metadata(long step, double score, double bestScore) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step", Long.toString(step));
        m.put("score", Double.toString(score));
        m.put("best_score", Double.toString(bestScore));
        return m;
    }

    private static void save(PoseNet net, ParameterOptimizer optimizer, Path last, Path lastOptim, long step, double score,
            double bestScore) {
        AtomicFiles.write(lastOptim, out -> {
            DataOutputStream data = new DataOutputStream(out);
            optimizer.save(data);
            data.flush();
        });
        ModelCheckpoint.save(net, last, metadata(step, score, bestScore));
    }

    private static void truncate(Path log) {
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(log + ": " + e.getMessage(), e);
        }
    }

    /** Drops log lines past {@code step} (written after the checkpoint a resumed run restarts from). */
    private static void keepLogUpTo(Path log, long step) {
        if (!Files.exists(log)) {
            return;
        }
        try {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(line);
                    if (node.path("step").asLong(0) <= step && !"end".equals(node.path("event").asText())) {
                        kept.append(line).append('\n');
                    }
                } catch (IOException partial) {
                    // a line cut by the kill: drop it
                }
            }
            AtomicFiles.writeString(log, kept.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(log + ": " + e.getMessage(), e);
        }
    }

    /** Appends one JSON line and flushes it, so that a killed run keeps every finished line. */
    static void appendLog(Path runDir, Map<String, Object> line) {
        Path log = runDir.resolve("log.jsonl");
        try {
            Files.createDirectories(runDir);
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND))) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(log + ": " + e.getMessage(), e);
        }
    }
}
