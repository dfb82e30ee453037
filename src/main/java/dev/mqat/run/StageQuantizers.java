package dev.mqat.run;

import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.QuantSpec;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.Quantizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The quantizers a stage of {@link QuantizeJob} attaches to the modules it quantizes. */
final class StageQuantizers {
    private StageQuantizers() {}

    /**
     * Attaches the plan's weight quantizers (and input quantizers when activations are quantized) to the convs of
     * {@code modules}, leaving every other conv as it is.
     *
     * @return bits per layer name
     */
    static Map<String, Integer> attach(PoseNet net, List<NetModule> modules, BitPlan plan, QuantizeSettings q) {
        Map<String, Integer> bits = new LinkedHashMap<>();
        for (NetModule m : modules) {
            for (PoseConv2d layer : net.layers(m)) {
                int b = plan.bitsFor(layer.name(), m.key());
                if (b != BitPlan.FLOAT_BITS) {
                    layer.setWeightQuantizer(Quantizers.create(q.quantizer(), new QuantSpec(b, q.granularity()),
                            layer.weightShape()));
                    bits.put(layer.name(), b);
                }
            }
            if (q.actBits() > 0) {
                Quantization.attachInputQuantizers(net, m, ActivationQuantSpec.defaults().withBits(q.actBits()));
            }
        }
        return bits;
    }
}
