package dev.mqat.export;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats {@code mqat export} writes; {@link Exports#write} dispatches on them. */
public enum ExportFormat {
    /**
     * mqat's packed integer model: one file, a JSON manifest then the weights, quantized ones bit-packed at their
     * width; {@code eval}, {@code predict} and {@code model inspect} read it in place of a run folder.
     *
     * @see PackedModel
     */
    MQAT,
    /**
     * ONNX opset 21: integer weight initializers with DequantizeLinear (INT4 at 4 bits or fewer, INT8 above),
     * QuantizeLinear/DequantizeLinear pairs on activations the run fake-quantizes, the rest standard operators;
     * ONNX Runtime runs it and {@code eval} scores it. Inputs, outputs and decoding: docs/export-onnx.md.
     *
     * @see OnnxExporter
     */
    ONNX;

    /** The name used on the command line and in messages ({@code mqat}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a format from its key, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the valid choices
     */
    public static ExportFormat parse(String key) {
        for (ExportFormat f : values()) {
            if (f.key().equalsIgnoreCase(key.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + key + "'; expected one of "
                + Arrays.stream(values()).map(ExportFormat::key).collect(Collectors.joining(", ")));
    }
}
