package dev.mqat.quant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model size under a bit plan, whole model and per module, in bytes.
 *
 * @param plan the plan counted
 * @param granularity scale granularity counted (one fp32 scale per layer or per output channel)
 * @param fp32Bytes every parameter at 4 bytes
 * @param quantizedBytes quantized weights at their bits (each layer padded to a whole byte) plus their fp32 scales,
 *     everything else at 4 bytes
 * @param fp32WeightBytes the quantizable weights alone at 4 bytes
 * @param quantizedWeightBytes the quantizable weights alone, quantized, with their scales
 * @param modules per module in network order
 * @param layers per layer in network order
 */
public record SizeReport(BitPlan plan, Granularity granularity, long fp32Bytes, long quantizedBytes,
        long fp32WeightBytes, long quantizedWeightBytes, Map<String, ModuleSize> modules, List<LayerSize> layers) {

    public SizeReport {
        modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
        layers = List.copyOf(layers);
    }

    /** Whole-model compression: fp32 bytes / quantized bytes. */
    public double compression() {
        return (double) fp32Bytes / quantizedBytes;
    }

    /** Weights-only compression: fp32 weight bytes / quantized weight bytes (scales included). */
    public double weightsCompression() {
        return quantizedWeightBytes == 0 ? 1.0 : (double) fp32WeightBytes / quantizedWeightBytes;
    }

    /** Parameter elements in the whole model. */
    public long params() {
        return fp32Bytes / 4;
    }

    /**
     * One module's share.
     *
     * @param params parameter elements
     * @param bits the plan's bits for the module, 32 when float
     * @param fp32Bytes its parameters at 4 bytes
     * @param quantizedBytes its size under the plan
     */
    public record ModuleSize(long params, int bits, long fp32Bytes, long quantizedBytes) {}

    /**
     * One layer's share.
     *
     * @param name layer name
     * @param module its module
     * @param bits weight bits, 32 when float
     * @param scales number of fp32 scales stored (0 when float)
     * @param fp32Bytes its parameters at 4 bytes
     * @param quantizedBytes its size under the plan
     */
    public record LayerSize(String name, String module, int bits, int scales, long fp32Bytes, long quantizedBytes) {}
}
