package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import dev.mqat.model.WeightQuantizer;

/**
 * A weight quantizer on the symmetric uniform grid of {@link Levels}: the common base of INQ, LSQ and STE, plugged
 * into a conv through the model's {@link WeightQuantizer} hook ({@code PoseConv2d.setWeightQuantizer}).
 *
 * <p>Lifecycle: {@link Quantizers#create} builds one for a weight shape; its state is DJL parameters added in the
 * constructor (so the conv's child block carries them into training, saving and loading); attaching it to an
 * initialised conv initialises them and calls {@link #calibrate} with the trained float weight. After loading a
 * checkpoint that holds calibrated quantizer state, calibration is detected from the scale values.
 *
 * <p>Tensor layout: the weight has its output channel on axis 0 (conv {@code (out, in, kh, kw)}); per-channel scales
 * index that axis. The float master weight is never written.
 */
public abstract class UniformWeightQuantizer extends WeightQuantizer {
    /** Smallest step used in forward: keeps every scale positive whatever the optimizer does. */
    static final float MIN_STEP = 1e-8f;

    final QuantSpec spec;
    final Shape weightShape;
    final int scaleCount;
    final int perScale;
    private boolean calibrated;

    UniformWeightQuantizer(QuantSpec spec, Shape weightShape) {
        if (weightShape.dimension() < 1 || weightShape.size() <= 0) {
            throw new IllegalArgumentException("cannot quantize a weight of shape " + weightShape);
        }
        this.spec = spec;
        this.weightShape = weightShape;
        this.scaleCount = spec.scaleCount(Math.toIntExact(weightShape.get(0)));
        this.perScale = Levels.perScale(Math.toIntExact(weightShape.size()), scaleCount);
    }

    /** Which algorithm this is. */
    public abstract QuantizerKind kind();

    /** Bit-width and granularity. */
    public QuantSpec spec() {
        return spec;
    }

    /** Shape of the weight this quantizer was built for. */
    public Shape weightShape() {
        return weightShape;
    }

    /**
     * Fits the quantizer to the trained float weight (scale fit, LSQ step initialisation). Runs when the quantizer
     * is attached to an initialised conv; call it again only to restart from new float weights. Call outside a
     * gradient collector.
     *
     * @param weight the float master weight, shape {@link #weightShape()}; not modified
     */
    public final void calibrate(NDArray weight) {
        float[] w = weights(weight);
        ensureInitialized(weight.getManager());
        scaleParameter().getArray().set(initialScales(w));
        markCalibrated();
    }

    /** The scale(s) {@link #calibrate} starts from, one per slice of {@code scaleCount}, all positive. */
    abstract float[] initialScales(float[] weights);

    /**
     * Fraction of the weights held on the grid: the frozen fraction for INQ, 1 for LSQ and STE (every weight is
     * fake-quantized in forward).
     */
    public abstract double fractionQuantized();

    /** The parameter holding the scale(s); positive once calibrated. */
    abstract Parameter scaleParameter();

    @Override
    protected void initializeFromWeight(NDArray floatWeight) {
        calibrate(floatWeight);
    }

    Parameter addState(String name, Shape shape, boolean learnable, Initializer init) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).optRequiresGrad(learnable).build());
    }

    void checkWeight(NDArray weight) {
        if (!weight.getShape().equals(weightShape)) {
            throw new IllegalArgumentException(kind() + " quantizer built for weight shape " + weightShape
                    + " got shape " + weight.getShape());
        }
    }

    /** Initializes any parameter that is not initialized yet on {@code manager} (standalone use, tests). */
    void ensureInitialized(NDManager manager) {
        for (Parameter p : getDirectParameters().values()) {
            if (!p.isInitialized()) {
                p.initialize(manager, DataType.FLOAT32);
            }
        }
    }

    /** Marks this quantizer calibrated. */
    private void markCalibrated() {
        calibrated = true;
    }

    /** Whether {@link #calibrate} has run or calibrated parameters were loaded; reads the scales once. */
    public boolean isCalibrated() {
        if (!calibrated) {
            Parameter s = scaleParameter();
            if (s.isInitialized()) {
                float[] v = s.getArray().toFloatArray();
                boolean positive = v.length > 0;
                for (float x : v) {
                    positive &= Math.abs(x) > 0;
                }
                calibrated = positive;
            }
        }
        return calibrated;
    }

    void requireCalibrated() {
        if (!isCalibrated()) {
            throw new IllegalStateException(kind() + " quantizer for weight " + weightShape
                    + " is not calibrated; attach it to an initialised conv or call calibrate(weight)");
        }
    }

    /** Current scale(s), one per tensor or per output channel: the positive step forward uses. */
    public float[] scales() {
        Parameter s = scaleParameter();
        if (!s.isInitialized()) {
            return new float[scaleCount];
        }
        float[] v = s.getArray().toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(Math.abs(v[i]), MIN_STEP);
        }
        return v;
    }

    /** Weights as a Java array, shape checked. */
    float[] weights(NDArray weight) {
        checkWeight(weight);
        return weight.toFloatArray();
    }

    @Override
    public String toString() {
        return kind() + "(" + spec.bits() + " bits, " + spec.granularity() + ", weight " + weightShape + ")";
    }
}
