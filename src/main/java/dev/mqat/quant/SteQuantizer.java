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
        return Levels.scalesByMagnitude(w, scaleCount,
                (meanAbs, maxAbs) -> bits == 1 ? meanAbs : maxAbs / Levels.maxCode(bits));
    }

    @Override
    float[] initialScales(float[] weights) {
        return minMaxScales(weights, scaleCount, spec.bits());
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
