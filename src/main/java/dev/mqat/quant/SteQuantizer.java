package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Uniform straight-through weight quantization with a min-max scale: the simple QAT baseline.
 *
 * <p>The scale {@code s = max|w| / Qp} (per layer or per output channel) is taken from the trained weights at
 * {@link #calibrate} and then held fixed ({@code weight_scale}, not learned). Forward
 * {@code q = s * round(clip(w / s, -Qp, Qp))} with a straight-through round: the weight gradient passes inside the
 * clip range {@code [-Qp s, Qp s]} and is zero outside.
 *
 * <p>Deviation: at 1 bit the scale is {@code mean|w|} (the L2-optimal binary scale), since {@code max|w|} would move
 * every weight to the largest magnitude.
 */
public final class SteQuantizer extends UniformWeightQuantizer {
    private final Parameter scale;

    SteQuantizer(QuantSpec spec, Shape weightShape) {
        super(spec, weightShape);
        scale = addState("weight_scale", new Shape(scaleCount), false, Initializer.ZEROS);
    }

    @Override
    public QuantizerKind kind() {
        return QuantizerKind.STE;
    }

    @Override
    Parameter scaleParameter() {
        return scale;
    }

    /** Min-max scale of each slice: {@code max|w| / Qp} (mean|w| at 1 bit); 1 for an all-zero slice. */
    static float[] minMaxScales(float[] w, int scaleCount, int bits) {
        int per = Levels.perScale(w.length, scaleCount);
        float[] s = new float[scaleCount];
        for (int c = 0; c < scaleCount; c++) {
            double max = 0;
            double sum = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
                sum += Math.abs(w[i]);
            }
            double v = bits == 1 ? sum / per : max / Levels.maxCode(bits);
            s[c] = v > 0 ? (float) v : 1f;
        }
        return s;
    }

    @Override
    public void calibrate(NDArray weight) {
        float[] w = weights(weight);
        ensureInitialized(weight.getManager());
        scale.getArray().set(minMaxScales(w, scaleCount, spec.bits()));
        markCalibrated();
    }

    @Override
    public NDArray quantize(ParameterStore store, NDArray weight, boolean training) {
        requireCalibrated();
        checkWeight(weight);
        NDArray s = store.getValue(scale, weight.getDevice(), training).stopGradient();
        return FakeQuant.symmetric(weight, FakeQuant.broadcastable(s, weightShape), spec.bits());
    }

    @Override
    public double fractionQuantized() {
        return 1.0;
    }
}
