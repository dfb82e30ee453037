package dev.mqat.search;

import ai.djl.ndarray.NDManager;
import dev.mqat.data.AugmentationConfig;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseTrainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Hutchinson estimates of the trace of the training loss's Hessian with respect to each conv layer's weight,
 * {@code Tr(H_i)}: the curvature that MQAT's bit allocation weighs each layer's quantization error with (Javed et
 * al., TMLR 2024, Eq. 1: {@code Omega_k(b) = 1/L_k sum_i Tr(H_i)/N_i ||Q_b(W_i) - W_i||^2}; DESIGN.md section 7,
 * Phase C).
 *
 * <p>Estimator (Hutchinson 1989, as HAWQ-V2/V3 use it): each sample draws one Rademacher vector {@code v} (entries
 * +-1) over the weights of all layers jointly, takes the next training batch, and records {@code v_i . (H v)_i} for
 * every layer {@code i} ({@link CurvatureProbe}). Its expectation is {@code Tr(H_ii)}: the cross terms
 * {@code v_i . H_ij v_j} of two layers have mean zero because their entries are independent. The estimate is the
 * mean over samples, its standard error the sample standard deviation over {@code sqrt(samples)}. Sampling stops
 * after {@link Settings#minSamples()} once every layer's standard error is at most {@link Settings#relativeTolerance()}
 * times the absolute value of its mean, and after {@link Settings#maxSamples()} in any case. Units: loss per squared
 * weight unit; a trace is negative where the loss curves down along that layer.
 *
 * <p>Deviations: batches are whole, unaugmented training images and batch norm uses its running statistics
 * (inference mode), so that the curvature is that of the network as it is evaluated; attached quantizers are applied,
 * so a partly quantized network is probed as it trains (straight-through gradients through rounding).
 *
 * <p>Pitfalls: (1) libtorch 2.7.1 on AVX-512 CPUs computes wrong second derivatives of convolutions when the batch
 * size is not a multiple of 16; the batch seems to enter the double backward's kernels as a channel count, the
 * failure {@code ConvChannelPadding} works around for first derivatives. Against float64, {@code wdr-cpu} at width
 * 0.5, 64 px had four 1x1 layers off by 0.07% to 88% at batch 4 and every layer within 1e-5 at batch 16; two stacked
 * 1x1 convolutions were off by 1% to 24000% at batch sizes 1, 2, 12, 15, 17, 20, 24 and 40, stacked 3x3 ones (up to
 * NaN) at 17, 20, 24 and 40, and both were right at 16, 32, 48 and 64. {@link Settings} therefore only accepts
 * multiples of 16.
 * (2) A layer whose trace is close to zero rarely meets the relative tolerance and keeps the sampler running to
 * {@code maxSamples}. (3) The double backward leaves a reference cycle in libtorch that
 * {@link SecondOrderAutograd#forgetHistory} breaks after every sample; without it every sample leaked memory.
 *
 * <p>The network's parameters and gradients are left as they were: the probe reads the parameters detached from
 * autograd and differentiates along its own variables. Needs DJL's PyTorch engine.
 */
public final class HessianTrace {

    /** Batch sizes must be a multiple of this (see the pitfalls above). */
    static final int BATCH_BLOCK = 16;

    private HessianTrace() {}

    /**
     * How the traces are sampled.
     *
     * @param batchSize images per sample, a positive multiple of 16 (default 32, the training batch)
     * @param minSamples samples taken before the tolerance can stop the sampling, at least 2 (default 8)
     * @param maxSamples samples taken at most, the CLI's {@code --hessian-samples} (default 64)
     * @param relativeTolerance sampling stops when every layer's standard error is at most this fraction of the
     *     absolute value of its trace (default 0.05)
     * @param seed seeds the batch order and the Rademacher vectors (default 0)
     */
    public record Settings(int batchSize, int minSamples, int maxSamples, double relativeTolerance, long seed) {
        public Settings {
            if (batchSize <= 0 || batchSize % BATCH_BLOCK != 0) {
                throw new IllegalArgumentException("hessian.batchSize: expected a positive multiple of " + BATCH_BLOCK
                        + " (libtorch computes wrong second derivatives of convolutions for other batch sizes on "
                        + "AVX-512 CPUs), found " + batchSize);
            }
            if (maxSamples < 2) {
                throw new IllegalArgumentException("hessian.maxSamples: expected at least 2 (a standard error needs two "
                        + "samples), found " + maxSamples);
            }
            if (minSamples < 2) {
                throw new IllegalArgumentException("hessian.minSamples: expected at least 2 (a standard error needs two "
                        + "samples), found " + minSamples);
            }
            if (maxSamples < minSamples) {
                throw new IllegalArgumentException("hessian.maxSamples: expected at least hessian.minSamples ("
                        + minSamples + "), found " + maxSamples);
            }
            if (!(relativeTolerance > 0) || Double.isInfinite(relativeTolerance)) {
                throw new IllegalArgumentException("hessian.relativeTolerance: expected a positive number, found "
                        + relativeTolerance);
            }
        }

        /** Batches of 32, 8 to 64 samples, 5% relative standard error, seed 0. */
        public static Settings defaults() {
            return new Settings(32, 8, 64, 0.05, 0);
        }

        public Settings withBatchSize(int n) {
            return new Settings(n, minSamples, maxSamples, relativeTolerance, seed);
        }

        /** At most {@code n} samples; the minimum drops to {@code n} when it was larger. */
        public Settings withMaxSamples(int n) {
            return new Settings(batchSize, Math.min(minSamples, n), n, relativeTolerance, seed);
        }

        public Settings withSeed(long s) {
            return new Settings(batchSize, minSamples, maxSamples, relativeTolerance, s);
        }

        /**
         * These settings for a training set of {@code images} images: a set smaller than a batch but holding at least
         * one block of 16 gets the largest multiple of 16 it holds as batch size; otherwise they are unchanged (and
         * {@link #estimate} rejects a set smaller than a batch).
         */
        public Settings fittedTo(int images) {
            if (images < batchSize && images >= BATCH_BLOCK) {
                return withBatchSize(images / BATCH_BLOCK * BATCH_BLOCK);
            }
            return this;
        }
    }

    /**
     * The trace estimate of one conv layer.
     *
     * @param layer stable dotted layer name, e.g. {@code fpn.lateral.0}
     * @param module key of the module the layer belongs to ({@code backbone}, {@code fpn}, {@code head})
     * @param weightCount number of weights {@code N_i}
     * @param trace estimate of {@code Tr(H_i)}, loss per squared weight unit
     * @param standardError sample standard deviation of the per-sample estimates divided by {@code sqrt(samples)}
     */
    public record LayerTrace(String layer, String module, long weightCount, double trace, double standardError) {}

    /**
     * The estimates of every conv layer.
     *
     * @param layers one entry per layer, in {@link PoseNet#layers()} order
     * @param samples samples taken (batches, and Rademacher vectors)
     * @param settled whether sampling stopped because every layer met the relative tolerance; false when it reached
     *     {@link Settings#maxSamples()} first
     */
    public record Result(List<LayerTrace> layers, int samples, boolean settled) {
        public Result {
            layers = List.copyOf(layers);
        }

        /** The trace of every layer by layer name, in layer order: the form {@link ModuleImportance#measure} takes. */
        public Map<String, Double> tracesByLayer() {
            Map<String, Double> out = new LinkedHashMap<>();
            for (LayerTrace t : layers) {
                out.put(t.layer(), t.trace());
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * Estimates the trace of every conv layer of {@code net} on batches of {@code images}.
     *
     * <p>The same settings, network, images and objective give the same result: batch {@code k} is the loader's
     * batch of step {@code k} for a seed drawn from {@link Settings#seed()}, and the Rademacher vectors come from a
     * generator split from the same root.
     *
     * @param net an initialised network
     * @param manager the manager that owns the network's parameters
     * @param images training images at network resolution, at least {@link Settings#batchSize()} of them
     * @param objective the training loss, e.g. {@link dev.mqat.train.PoseObjective}
     * @param samplesDone told the number of samples finished after each one
     * @throws IllegalArgumentException when there are fewer images than a batch
     * @throws IllegalStateException when a curvature is not finite, naming the layer and the sample
     */
    public static Result estimate(Settings settings, PoseNet net, NDManager manager, List<InputImage> images,
            PoseTrainer.Objective objective, IntConsumer samplesDone) {
        if (images.size() < settings.batchSize()) {
            throw new IllegalArgumentException("hessian.batchSize: " + settings.batchSize()
                    + " is larger than the training set (" + images.size() + " images)");
        }
        SplittableRandom root = new SplittableRandom(settings.seed());
        long batchSeed = root.split().nextLong();
        SplittableRandom directionRandom = root.split();
        List<PoseConv2d> layers = net.layers();
        CurvatureProbe probe = new CurvatureProbe(net, manager, objective);
        Moments[] moments = new Moments[layers.size()];
        for (int i = 0; i < moments.length; i++) {
            moments[i] = new Moments();
        }
        int samples = 0;
        boolean settled = false;
        try (BatchLoader loader = new BatchLoader(images, settings.batchSize(), batchSeed, AugmentationConfig.none(), 0,
                settings.maxSamples(), 1, BatchLoader.WHOLE_IMAGES)) {
            while (samples < settings.maxSamples() && !settled) {
                double[] curvatures = probe.curvatures(loader.next(), rademacher(layers, directionRandom));
                for (int i = 0; i < curvatures.length; i++) {
                    if (!Double.isFinite(curvatures[i])) {
                        throw new IllegalStateException("Hessian trace: the curvature of layer " + layers.get(i).name()
                                + " is " + curvatures[i] + " at sample " + samples + "; the network or the engine computes "
                                + "non-finite second derivatives");
                    }
                    moments[i].add(curvatures[i]);
                }
                samples++;
                samplesDone.accept(samples);
                settled = samples >= settings.minSamples() && allWithin(moments, settings.relativeTolerance());
            }
        }
        List<LayerTrace> out = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            PoseConv2d layer = layers.get(i);
            out.add(new LayerTrace(layer.name(), layer.module().key(), layer.weightCount(), moments[i].mean(),
                    moments[i].standardError()));
        }
        return new Result(out, samples, settled);
    }

    /** One Rademacher vector per layer, sized like its weight; 32 signs per draw of the generator. */
    static float[][] rademacher(List<PoseConv2d> layers, SplittableRandom random) {
        float[][] out = new float[layers.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = new float[Math.toIntExact(layers.get(i).weightCount())];
            int bits = 0;
            for (int j = 0; j < v.length; j++) {
                if (j % Integer.SIZE == 0) {
                    bits = random.nextInt();
                }
                v[j] = (bits & 1) == 0 ? 1f : -1f;
                bits >>>= 1;
            }
            out[i] = v;
        }
        return out;
    }

    private static boolean allWithin(Moments[] moments, double relativeTolerance) {
        for (Moments m : moments) {
            if (!(m.standardError() <= relativeTolerance * Math.abs(m.mean()))) {
                return false;
            }
        }
        return true;
    }

    /** Running mean and sum of squared deviations of one layer's samples (Welford's update, stable at any count). */
    static final class Moments {
        private int count;
        private double mean;
        private double squaredDeviations;

        void add(double x) {
            count++;
            double before = x - mean;
            mean += before / count;
            squaredDeviations += before * (x - mean);
        }

        double mean() {
            return mean;
        }

        /** Sample standard deviation over the square root of the count; infinite below two samples. */
        double standardError() {
            return count < 2 ? Double.POSITIVE_INFINITY : Math.sqrt(squaredDeviations / (count - 1) / count);
        }
    }
}
