package dev.mqat.quant;

import java.util.List;

/**
 * What {@code mqat model inspect} shows for one conv layer.
 *
 * @param name dotted layer name
 * @param module module key
 * @param bits weight bits, 32 when the layer is float
 * @param kind quantizer kind, {@code null} when float
 * @param scales scale(s) in force (empty when float)
 * @param distinctValues number of distinct values of the weight the conv uses (-0 and +0 counted once)
 * @param fractionQuantized fraction of weights on the grid (INQ: frozen fraction; LSQ/STE: 1; float: 0)
 */
public record LayerInspection(String name, String module, int bits, QuantizerKind kind, List<Float> scales,
        int distinctValues, double fractionQuantized) {
    public LayerInspection {
        scales = List.copyOf(scales);
    }
}
