package dev.mqat.quant;

import ai.djl.ndarray.types.Shape;

/** Factory of weight quantizers. */
public final class Quantizers {
    private Quantizers() {}

    /**
     * Builds an uncalibrated quantizer for a weight of the given shape.
     *
     * @param weightShape the layer's weight shape, output channel on axis 0
     */
    public static UniformWeightQuantizer create(QuantizerKind kind, QuantSpec spec, Shape weightShape) {
        return switch (kind) {
            case INQ -> new InqQuantizer(spec, weightShape);
            case LSQ -> new LsqQuantizer(spec, weightShape);
            case STE -> new SteQuantizer(spec, weightShape);
        };
    }
}
