package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;

/**
 * Incremental network quantization of a weight (Zhou et al., ICLR 2017) on the symmetric uniform grid of
 * {@link Levels}, as MQAT uses it (paper section 4 and appendix A.4; DESIGN section 6).
 *
 * <p>{@link #calibrate} fits the scale(s) once, minimising the L2 error to the nearest level
 * ({@link Levels#fitScaleL2}). Each {@link #freeze} step takes the largest-magnitude weights among those still
 * float until the requested cumulative fraction of the layer is frozen, and stores their nearest level. Forward:
 * {@code w * free + frozenValues}, so a frozen entry is exactly its level and receives zero gradient, while the free
 * entries stay float and keep training. At fraction 1 every weight is on the grid. {@link InqSchedule} says when to
 * call {@link #freeze}.
 *
 * <p>State, all parameters without gradient (saved and loaded with the block): {@code weight_scale} (1 or C),
 * {@code weight_free_mask} (1 = float, 0 = frozen; weight shape) and {@code weight_frozen_values} (the level of each
 * frozen entry, 0 elsewhere).
 *
 * <p>Deviations from the reference code: the scale stays a real scale (the reference divides the weights by it in
 * place and sets it to 1, which rescales layers without a following normalisation); with per-channel scales the
 * magnitude order uses {@code |w| / s_c} so every channel is frozen at the same relative rate.
 *
 * <p>Pitfalls: the optimizer still updates the float master at frozen entries (momentum, weight decay); that is
 * harmless because forward never reads it there. Clear the optimizer state after each freeze step as the reference
 * does.
 */
public final class InqQuantizer extends UniformWeightQuantizer {
    private final Parameter scale;
    private final Parameter freeMask;
    private final Parameter frozenValues;

    InqQuantizer(QuantSpec spec, Shape weightShape) {
        super(spec, weightShape);
        scale = addState("weight_scale", new Shape(scaleCount), false, Initializer.ZEROS);
        freeMask = addState("weight_free_mask", weightShape, false, Initializer.ONES);
        frozenValues = addState("weight_frozen_values", weightShape, false, Initializer.ZEROS);
    }

    @Override
    public QuantizerKind kind() {
        return QuantizerKind.INQ;
    }

    @Override
    Parameter scaleParameter() {
        return scale;
    }

    @Override
    float[] initialScales(float[] weights) {
        return Levels.fitScalesL2(weights, scaleCount, spec.bits());
    }

    /**
     * Freezes the largest-magnitude float weights until {@code fraction} of the layer is frozen; weights frozen
     * earlier stay as they are. Call outside a gradient collector. Calibrates first if needed.
     *
     * @param weight the float master weight (current, trained values)
     * @param fraction cumulative target fraction in [0, 1]; {@code floor(fraction * N)} weights end up frozen, all
     *     of them at 1
     * @return the number of weights frozen by this call (0 when the target is already reached)
     */
    public long freeze(NDArray weight, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("INQ fraction must be in [0, 1], found " + fraction);
        }
        if (!isCalibrated()) {
            calibrate(weight);
        }
        float[] w = weights(weight);
        float[] free = freeMask.getArray().toFloatArray();
        float[] values = frozenValues.getArray().toFloatArray();
        float[] s = scales();
        int n = w.length;
        long target = fraction >= 1 ? n : (long) Math.floor(fraction * n);
        int freeCount = 0;
        for (float f : free) {
            if (f != 0f) {
                freeCount++;
            }
        }
        long need = target - (n - freeCount);
        if (need <= 0) {
            return 0;
        }
        float[] mags = new float[freeCount];
        int[] index = new int[freeCount];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (free[i] != 0f) {
                mags[j] = Math.abs(w[i]) / s[i / perScale];
                index[j++] = i;
            }
        }
        float[] sorted = mags.clone();
        Arrays.sort(sorted);
        float threshold = sorted[(int) (freeCount - need)];
        long aboveCount = 0;
        for (float m : mags) {
            if (m > threshold) {
                aboveCount++;
            }
        }
        long tiesToTake = need - aboveCount;
        for (int k = 0; k < freeCount; k++) {
            boolean take = mags[k] > threshold || (mags[k] == threshold && tiesToTake-- > 0);
            if (take) {
                int i = index[k];
                free[i] = 0f;
                values[i] = Levels.quantize(w[i], s[i / perScale], spec.bits());
            }
        }
        freeMask.getArray().set(free);
        frozenValues.getArray().set(values);
        return need;
    }

    @Override
    public NDArray quantize(ParameterStore store, NDArray weight, boolean training) {
        requireCalibrated();
        checkWeight(weight);
        NDArray free = store.getValue(freeMask, weight.getDevice(), training);
        NDArray values = store.getValue(frozenValues, weight.getDevice(), training);
        return weight.mul(free).add(values);
    }

    @Override
    public double fractionQuantized() {
        if (!freeMask.isInitialized()) {
            return 0;
        }
        long frozen = 0;
        for (float f : freeMask.getArray().toFloatArray()) {
            if (f == 0f) {
                frozen++;
            }
        }
        return (double) frozen / weightShape.size();
    }

    /** Which weights are frozen (row-major, weight layout); all false before the first {@link #freeze}. */
    public boolean[] frozenMask() {
        boolean[] out = new boolean[Math.toIntExact(weightShape.size())];
        if (freeMask.isInitialized()) {
            float[] free = freeMask.getArray().toFloatArray();
            for (int i = 0; i < out.length; i++) {
                out[i] = free[i] == 0f;
            }
        }
        return out;
    }
}
