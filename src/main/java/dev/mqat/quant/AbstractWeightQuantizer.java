package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.List;

/** Shape bookkeeping, parameter creation and the calibrated flag shared by the weight quantizers. */
abstract class AbstractWeightQuantizer implements WeightQuantizer {
    /** Smallest step used in forward: keeps every scale positive whatever the optimizer does. */
    static final float MIN_STEP = 1e-8f;

    final QuantSpec spec;
    final Shape weightShape;
    final int scaleCount;
    final int perScale;
    private boolean calibrated;

    AbstractWeightQuantizer(QuantSpec spec, Shape weightShape) {
        if (weightShape.dimension() < 1 || weightShape.size() <= 0) {
            throw new IllegalArgumentException("cannot quantize a weight of shape " + weightShape);
        }
        this.spec = spec;
        this.weightShape = weightShape;
        this.scaleCount = spec.scaleCount(Math.toIntExact(weightShape.get(0)));
        this.perScale = Levels.perScale(Math.toIntExact(weightShape.size()), scaleCount);
    }

    @Override
    public QuantSpec spec() {
        return spec;
    }

    @Override
    public Shape weightShape() {
        return weightShape;
    }

    static Parameter parameter(String name, Shape shape, boolean learnable, Initializer init) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(init).optRequiresGrad(learnable).build();
    }

    void checkWeight(NDArray weight) {
        if (!weight.getShape().equals(weightShape)) {
            throw new IllegalArgumentException(kind() + " quantizer built for weight shape " + weightShape
                    + " got shape " + weight.getShape());
        }
    }

    /** Initializes any parameter that is not initialized yet on {@code manager}. */
    void ensureInitialized(NDManager manager) {
        for (Parameter p : parameters()) {
            if (!p.isInitialized()) {
                p.initialize(manager, DataType.FLOAT32);
            }
        }
    }

    /** The parameter holding the scale(s); positive once calibrated. */
    abstract Parameter scaleParameter();

    /** Marks this quantizer calibrated (called at the end of {@link #calibrate}). */
    void markCalibrated() {
        calibrated = true;
    }

    @Override
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
                    + " is not calibrated; call calibrate(weight) after loading the float weights");
        }
    }

    @Override
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

    /** Weights as a Java array, checked finite. */
    float[] weights(NDArray weight) {
        checkWeight(weight);
        return weight.toFloatArray();
    }

    static List<Parameter> list(Parameter... ps) {
        return List.of(ps);
    }

    @Override
    public String toString() {
        return kind() + "(" + spec.bits() + " bits, " + spec.granularity() + ", weight " + weightShape + ")";
    }
}
