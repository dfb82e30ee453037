package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.mqat.model.Scalars;

/**
 * Learned step size quantization of a weight (Esser et al., ICLR 2020), on the symmetric grid of {@link Levels}.
 *
 * <p>The step {@code s} is a trained parameter ({@code weight_step}, one per layer or per output channel). Forward:
 * {@code q = s * round(clip(w / s, -Qp, Qp))} with a straight-through round; the gradient of {@code s} is scaled by
 * {@code g = 1 / sqrt(N * Qp)}, N the number of weights per step (value kept exact, unlike DJL's
 * {@code scaleGradient}). Initial step
 * {@code 2 * mean|w| / sqrt(Qp)} from the trained weights.
 *
 * <p>Deviations: the weight grid is symmetric ({@code Qn = -Qp}, DESIGN section 6) where LSQ uses the two's
 * complement range; at 1 bit the step starts at {@code mean|w|} (the L2-optimal binary scale) because
 * {@code 2 * mean|w|} would put every weight at twice its mean magnitude.
 *
 * <p>Pitfalls: an optimizer can push the step to zero or below; forward uses {@code max(|s|, 1e-8)}, so the value
 * stays positive and the gradient keeps flowing.
 */
public final class LsqQuantizer extends UniformWeightQuantizer {
    private final Parameter step;

    LsqQuantizer(QuantSpec spec, Shape weightShape) {
        super(spec, weightShape);
        step = addState("weight_step", new Shape(scaleCount), true, Initializer.ZEROS);
    }

    @Override
    public QuantizerKind kind() {
        return QuantizerKind.LSQ;
    }

    @Override
    Parameter scaleParameter() {
        return step;
    }

    /** Initial step for each slice: {@code 2 mean|w| / sqrt(Qp)} (mean|w| at 1 bit). */
    static float[] initialSteps(float[] w, int scaleCount, int bits) {
        double factor = bits == 1 ? 1.0 : 2.0 / Math.sqrt(Levels.maxCode(bits));
        return Levels.scalesByMagnitude(w, scaleCount, (meanAbs, maxAbs) -> factor * meanAbs);
    }

    @Override
    float[] initialScales(float[] weights) {
        return initialSteps(weights, scaleCount, spec.bits());
    }

    /** Gradient scale of the step: {@code 1 / sqrt(N * Qp)}, N weights per step. */
    public double gradientScale() {
        return 1.0 / Math.sqrt((double) perScale * Levels.maxCode(spec.bits()));
    }

    @Override
    public NDArray quantize(ParameterStore store, NDArray weight, boolean training) {
        requireCalibrated();
        checkWeight(weight);
        NDArray s = store.getValue(step, weight.getDevice(), training);
        NDArray positive = FakeQuant.scaleGradient(Scalars.atLeast(s.abs(), MIN_STEP), gradientScale());
        return FakeQuant.symmetric(weight, FakeQuant.broadcastable(positive, weightShape), spec.bits());
    }

    @Override
    public double fractionQuantized() {
        return 1.0;
    }
}
