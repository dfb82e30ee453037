package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.mqat.model.ActivationQuantizer;
import dev.mqat.model.Scalars;

/**
 * Fake quantization of a conv's input activation on the signed integer range of {@link ActivationQuantSpec}, one
 * step per layer, plugged in with {@code PoseConv2d.setInputQuantizer}.
 *
 * <p>Forward {@code q = s * round(clip(x / s, Qn, Qp))} with a straight-through round (gradient 1 inside the clip
 * range, 0 outside). LSQ: the step {@code step} is trained, gradient scaled by {@code 1 / sqrt(N Qp)} with N the
 * elements of one sample, initialised on the first forward from that batch as {@code 2 mean|x| / sqrt(Qp)}. Running
 * min-max: {@code running_max} follows {@code 0.9 m + 0.1 max|x|} over training batches (the first batch sets it)
 * and the step is {@code running_max / Qp}.
 *
 * <p>Pitfalls: the first forward must see real data (it initialises the step); a quantizer that has seen no
 * training batch and holds no loaded state refuses inference forwards rather than inventing a range.
 */
public final class UniformActivationQuantizer extends ActivationQuantizer {
    private static final float MOMENTUM = 0.1f;

    private final ActivationQuantSpec spec;
    private final Parameter state;
    private boolean ready;

    /** An uncalibrated quantizer; attach with {@code PoseConv2d.setInputQuantizer}. */
    public UniformActivationQuantizer(ActivationQuantSpec spec) {
        this.spec = spec;
        boolean lsq = spec.method() == ActivationQuantMethod.LSQ;
        state = addParameter(Parameter.builder().setName(lsq ? "step" : "running_max")
                .setType(Parameter.Type.OTHER).optShape(new Shape(1)).optInitializer(Initializer.ZEROS)
                .optRequiresGrad(lsq).build());
    }

    public ActivationQuantSpec spec() {
        return spec;
    }

    /** The step in force (0 before the first batch). */
    public float step() {
        if (!state.isInitialized()) {
            return 0f;
        }
        float v = Math.abs(state.getArray().getFloat());
        return spec.method() == ActivationQuantMethod.LSQ ? v : v / spec.maxCode();
    }

    @Override
    public NDArray quantize(ParameterStore store, NDArray input, boolean training) {
        NDArray s = store.getValue(state, input.getDevice(), training);
        if (!ready) {
            ready = Math.abs(s.getFloat()) > 0;
        }
        float qp = spec.maxCode();
        NDArray step;
        if (spec.method() == ActivationQuantMethod.LSQ) {
            if (!ready) {
                requireTraining(training, s);
                input.stopGradient().abs().mean().mul((float) (2.0 / Math.sqrt(qp))).maximum(1e-8f).reshape(1).copyTo(s);
                ready = true;
            }
            long perSample = input.getShape().dimension() > 1 ? input.size() / input.getShape().get(0)
                    : input.size();
            step = FakeQuant.scaleGradient(Scalars.atLeast(s.abs(), 1e-8f), 1.0 / Math.sqrt(perSample * (double) qp));
        } else {
            if (training) {
                NDArray batchMax = input.stopGradient().abs().max().reshape(1).maximum(1e-8f);
                (ready ? s.mul(1 - MOMENTUM).add(batchMax.mul(MOMENTUM)) : batchMax).copyTo(s);
                ready = true;
            } else {
                requireTraining(ready, s);
            }
            step = s.stopGradient().div(qp);
        }
        return FakeQuant.apply(input, step, spec.minCode(), qp, false);
    }

    private void requireTraining(boolean ok, NDArray s) {
        if (!ok) {
            // the state value tells an untrained quantizer (0) from one a non-finite update spoilt (NaN)
            throw new IllegalStateException("activation quantizer (" + spec.method() + ", " + spec.bits()
                    + " bits) has no range yet (" + state.getName() + " " + s.getFloat()
                    + "); run a training forward first or load a checkpoint holding its state");
        }
    }

    @Override
    public String toString() {
        return "activation " + spec.method() + "(" + spec.bits() + " bits)";
    }
}
