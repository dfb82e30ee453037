package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Fake-quantizes one layer's weight on read: the float master weight is never overwritten.
 *
 * <p>Lifecycle: build with {@link Quantizers#create}; register {@link #parameters()} on the owning block (so the
 * optimizer trains the learnable ones and {@code saveParameters}/{@code loadParameters} carry all of them); load the
 * trained float weights; call {@link #calibrate} once, outside any gradient collector; then every forward calls
 * {@link #quantize}. After loading a checkpoint that already holds calibrated quantizer parameters, calibration is
 * detected from their values and must not be repeated.
 *
 * <p>Tensor layout: the weight has its output channel on axis 0 (conv {@code (out, in/groups, kh, kw)}, linear
 * {@code (out, in)}); per-channel scales index that axis.
 */
public interface WeightQuantizer {

    /** Which algorithm this is. */
    QuantizerKind kind();

    /** Bit-width and granularity. */
    QuantSpec spec();

    /** Shape of the weight this quantizer was built for. */
    Shape weightShape();

    /**
     * The quantizer's own parameters, in a fixed order: learnable ones (LSQ step) require a gradient, state (INQ
     * masks, fixed scales) does not. The owning block registers them; {@link #calibrate} initializes any that are not
     * initialized yet on the weight's manager.
     */
    List<Parameter> parameters();

    /**
     * Fits the quantizer to the trained float weight (scale fit, LSQ step initialisation). Call once, outside a
     * gradient collector; a quantized layer must start from the trained float weights.
     *
     * @param weight the float master weight, shape {@link #weightShape()}; not modified
     */
    void calibrate(NDArray weight);

    /** Whether {@link #calibrate} has run (or calibrated parameters were loaded). Reads parameter values once. */
    boolean isCalibrated();

    /**
     * The fake-quantized weight used by the forward pass; differentiable according to the kind's gradient rule.
     *
     * @param store the parameter store of the forward pass (gives this quantizer's parameters on the weight's device)
     * @param weight the float master weight as read from the store
     * @param training whether this is a training forward pass
     * @return a new array owned by the current scope (or the weight's manager outside a scope)
     * @throws IllegalStateException when the quantizer is not calibrated
     */
    NDArray quantize(ParameterStore store, NDArray weight, boolean training);

    /** Current scale(s), one per tensor or per output channel; each value is the positive step used in forward. */
    float[] scales();

    /**
     * Fraction of the weights held on the grid: the frozen fraction for INQ, 1 for LSQ and STE (every weight is
     * fake-quantized in forward).
     */
    double fractionQuantized();
}
