package dev.mqat.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts a network's size under a bit plan, over every parameter.
 *
 * <p>A quantized weight costs {@code ceil(N * b / 8)} bytes (bit-packed, each layer padded to a whole byte) plus 4
 * bytes per scale (one per layer, or one per output channel); a float weight costs {@code 4 N}; biases, norm
 * parameters and anything else always cost 4 bytes per element. Running statistics of batch norm are not
 * parameters in the reference accounting and are not counted here (the model adapter decides what it lists). This
 * fixes what the paper leaves open (paper section 2.10 of the digest); the reference notes' 4.32x for WDR 8-2-8
 * ignores scales and other parameters.
 */
public final class SizeAccounting {
    private SizeAccounting() {}

    /**
     * Counts {@code layers} under {@code plan}.
     *
     * @throws IllegalArgumentException when two layers share a name or the plan names a layer the list lacks
     */
    public static SizeReport count(List<LayerInfo> layers, BitPlan plan, Granularity granularity) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (LayerInfo l : layers) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("layer name " + l.name() + " appears twice");
            }
        }
        plan.checkLayers(names);
        Map<String, long[]> modules = new LinkedHashMap<>();
        List<SizeReport.LayerSize> layerSizes = new ArrayList<>();
        long fp32 = 0;
        long quant = 0;
        long fp32Weights = 0;
        long quantWeights = 0;
        for (LayerInfo l : layers) {
            int bits = l.weightCount() > 0 ? plan.bitsFor(l.name(), l.module()) : BitPlan.FLOAT_BITS;
            int scales = bits == BitPlan.FLOAT_BITS ? 0 : new QuantSpec(bits, granularity).scaleCount(l.outChannels());
            long weightBytes = bits == BitPlan.FLOAT_BITS ? 4 * l.weightCount()
                    : (l.weightCount() * bits + 7) / 8 + 4L * scales;
            long layerFp32 = 4 * l.params();
            long layerQuant = weightBytes + 4 * l.otherParamCount();
            fp32 += layerFp32;
            quant += layerQuant;
            fp32Weights += 4 * l.weightCount();
            quantWeights += weightBytes;
            long[] m = modules.computeIfAbsent(l.module(), k -> new long[3]);
            m[0] += l.params();
            m[1] += layerFp32;
            m[2] += layerQuant;
            layerSizes.add(new SizeReport.LayerSize(l.name(), l.module(), bits, scales, layerFp32, layerQuant));
        }
        Map<String, SizeReport.ModuleSize> moduleSizes = new LinkedHashMap<>();
        modules.forEach((name, m) -> moduleSizes.put(name, new SizeReport.ModuleSize(m[0],
                plan.bitsOf(name).orElse(BitPlan.FLOAT_BITS), m[1], m[2])));
        return new SizeReport(plan, granularity, fp32, quant, fp32Weights, quantWeights, moduleSizes, layerSizes);
    }
}
