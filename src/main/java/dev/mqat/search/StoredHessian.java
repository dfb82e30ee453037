package dev.mqat.search;

import ai.djl.ndarray.NDManager;
import dev.mqat.Durations;
import dev.mqat.data.InputImage;
import dev.mqat.model.PoseNet;
import dev.mqat.run.Devices;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunData;
import dev.mqat.train.PoseObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Hessian traces of one checkpoint as a run's work folder keeps them ({@code hessian.json}): sampling costs
 * minutes, so the search and the layer-wise baseline write the traces once and a resumed run reads them back.
 *
 * @param batchSize images per sample actually used ({@link HessianTrace.Settings#fittedTo} of the training set)
 * @param traces the per-layer estimates
 */
public record StoredHessian(int batchSize, HessianTrace.Result traces) {

    /** Milliseconds between two progress lines while sampling. */
    private static final long PROGRESS_EVERY_MILLIS = 5000;

    /**
     * Reads {@code file} when it exists; otherwise estimates the traces of {@code checkpoint} on the training split
     * of {@code data} (or of the source run's dataset) with the source run's training loss, and writes {@code file}.
     *
     * @param settings the sampling; its batch shrinks to a small training set ({@link HessianTrace.Settings#fittedTo})
     * @param source the config of the trained run the checkpoint belongs to or descends from (model, loss, seed,
     *     device, dataset)
     * @param data dataset folder, null for the source run's
     * @param log receives a line before sampling, progress lines at most every 5 s with the time left, and a line at
     *     the end
     * @throws UncheckedIOException naming the file when it cannot be read or written
     */
    public static StoredHessian readOrEstimate(HessianTrace.Settings settings, RunConfig source, Path data,
            Path checkpoint, Path file, Consumer<String> log) {
        if (Files.isRegularFile(file)) {
            try {
                return Search.JSON.readValue(file.toFile(), StoredHessian.class);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }
        log.accept("Hessian traces of " + checkpoint + ", up to " + settings.maxSamples() + " samples");
        List<InputImage> images = RunData.images(data == null ? Path.of(source.data()) : data, "train",
                source.model().inputSizePx());
        HessianTrace.Settings sampling = settings.fittedTo(images.size());
        HessianTrace.Result r;
        long start = System.nanoTime();
        long[] lastLine = {start};
        try (NDManager manager = NDManager.newBaseManager(Devices.of(source.device()))) {
            PoseNet net = QuantizedCheckpoints.load(checkpoint, manager);
            r = HessianTrace.estimate(sampling, net, manager, images,
                    new PoseObjective(source.model(), source.loss(), source.train().seed()), done -> {
                        long now = System.nanoTime();
                        if (done < sampling.maxSamples() && now - lastLine[0] >= PROGRESS_EVERY_MILLIS * 1_000_000) {
                            lastLine[0] = now;
                            Duration left = Duration.ofNanos((now - start) / done * (sampling.maxSamples() - done));
                            log.accept("Hessian sample " + done + " of at most " + sampling.maxSamples() + ", ETA "
                                    + Durations.format(left));
                        }
                    });
        }
        log.accept("Hessian traces from " + r.samples() + " samples" + (r.settled() ? "" : " (not settled)"));
        StoredHessian stored = new StoredHessian(sampling.batchSize(), r);
        Search.writeJson(file, stored);
        return stored;
    }
}
