package dev.mqat.data;

import dev.mqat.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Builds training batches ahead of the trainer on background threads.
 *
 * <p>The content of batch k depends only on (seed, k): the image order of each epoch is a permutation drawn from the
 * stream (seed, {@link Seeds.Purpose#EPOCH_ORDER}, epoch) and each image's augmentation from (seed,
 * {@link Seeds.Purpose#AUGMENTATION}, step, position), and its windows ({@link WindowSides}) from (seed,
 * {@link Seeds.Purpose#CROP}, step). So a run resumed at step k sees exactly the batches an uninterrupted run would,
 * whatever the thread timing. Incomplete trailing batches are dropped.
 */
public final class BatchLoader implements AutoCloseable {
    /** Input normalisation: {@code (v / 255 - MEAN) / STD} per channel. */
    public static final float MEAN = 0.5f;
    public static final float STD = 0.25f;

    private final List<InputImage> images;
    private final int batchSize;
    private final long seed;
    private final Augmenter augmenter;
    private final WindowSides windowSides;
    private final ExecutorService workers;
    private final BlockingQueue<Future<Batch>> queue;
    private final Thread feeder;
    private volatile boolean closed;

    /**
     * The side of the windows cut from the images of a step's batch ({@link Batch#cropped}), 0 for whole images.
     * Why the loader cuts them: on the trainer's thread, cutting and normalising cost 2-8 ms of a 150 ms step of
     * 64 px windows, time in which the engine's second thread waits (docs/benchmarks.md).
     */
    @FunctionalInterface
    public interface WindowSides {
        int sideAt(long step);
    }

    /** Whole images at every step. */
    public static final WindowSides WHOLE_IMAGES = step -> 0;

    /**
     * Starts producing batches for steps {@code firstStep, firstStep + 1, ...} until {@code lastStepExclusive}.
     *
     * @param threads background threads that build batches (at least 1)
     * @param windowSides the window side of each step's batch; asked when the batch is built, at most a few steps
     *     ahead of the trainer
     */
    public BatchLoader(List<InputImage> images, int batchSize, long seed, AugmentationConfig augmentation,
            long firstStep, long lastStepExclusive, int threads, WindowSides windowSides) {
        if (images.size() < batchSize) {
            throw new IllegalArgumentException("train.batchSize: " + batchSize + " is larger than the training set ("
                    + images.size() + " images)");
        }
        this.images = images;
        this.batchSize = batchSize;
        this.seed = seed;
        this.windowSides = windowSides;
        this.augmenter = new Augmenter(augmentation);
        this.workers = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "mqat-batches");
            t.setDaemon(true);
            return t;
        });
        this.queue = new ArrayBlockingQueue<>(Math.max(2, 2 * threads));
        this.feeder = new Thread(() -> {
            try {
                for (long s = firstStep; s < lastStepExclusive && !closed; s++) {
                    long step = s;
                    queue.put(workers.submit(() -> build(step)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mqat-batch-feeder");
        feeder.setDaemon(true);
        feeder.start();
    }

    /** Batches per epoch (trailing incomplete batch dropped). */
    public static long stepsPerEpoch(int imageCount, int batchSize) {
        return imageCount / batchSize;
    }

    /** The next batch, in step order; blocks until it is ready. */
    public Batch next() {
        try {
            Future<Batch> f = queue.poll(10, TimeUnit.MINUTES);
            if (f == null) {
                throw new IllegalStateException("no batch produced within 10 minutes (loader stalled or past its last step)");
            }
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("building a batch failed: " + e.getCause(), e.getCause());
        }
    }

    /** Builds the batch of global step {@code step} (pure function of seed, step and its window side). */
    public Batch build(long step) {
        long perEpoch = stepsPerEpoch(images.size(), batchSize);
        int epoch = (int) (step / perEpoch);
        int offset = (int) (step % perEpoch) * batchSize;
        int[] order = epochOrder(seed, epoch, images.size());
        List<InputImage> chosen = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            SplittableRandom r = Seeds.random(seed, Seeds.Purpose.AUGMENTATION, step, i);
            chosen.add(augmenter.apply(images.get(order[offset + i]), r));
        }
        int side = windowSides.sideAt(step);
        Batch whole = new Batch(step, epoch, null, chosen);
        return whole.cropped(side, Seeds.random(seed, Seeds.Purpose.CROP, step));
    }

    /** The image order of an epoch: a {@link #permutation} drawn from the stream (seed, epoch order, epoch). */
    public static int[] epochOrder(long seed, int epoch, int n) {
        return permutation(n, Seeds.random(seed, Seeds.Purpose.EPOCH_ORDER, epoch));
    }

    /** A Fisher-Yates permutation of {@code 0..n-1} drawn from {@code r}. */
    public static int[] permutation(int n, SplittableRandom r) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Interleaved RGB bytes of each image -> normalised {@code [N, 3, S, S]} floats. */
    public static float[] normalize(List<InputImage> images) {
        int s = images.get(0).sizePx();
        int plane = s * s;
        float[] out = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            byte[] rgb = images.get(b).rgb();
            int base = b * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    out[base + c * plane + p] = ((rgb[p * 3 + c] & 0xff) / 255f - MEAN) / STD;
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        feeder.interrupt();
        workers.shutdownNow();
    }
}
