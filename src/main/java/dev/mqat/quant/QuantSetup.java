package dev.mqat.quant;

import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which quantizers a network carries, in a form a checkpoint's metadata holds, so a quantized checkpoint can be
 * loaded: build the network, {@link #attachTo} it, then load the parameters (the quantizer state comes with them).
 *
 * @param plan bits per module or layer
 * @param kind the weight quantizer of every quantized layer
 * @param granularity scale granularity of every quantized layer
 */
public record QuantSetup(BitPlan plan, QuantizerKind kind, Granularity granularity) {
    /** Metadata key of the plan. */
    public static final String PLAN_KEY = "quant.plan";
    /** Metadata key of the quantizer kind. */
    public static final String KIND_KEY = "quant.quantizer";
    /** Metadata key of the granularity. */
    public static final String GRANULARITY_KEY = "quant.granularity";

    public QuantSetup {
        if (plan == null || kind == null || granularity == null) {
            throw new IllegalArgumentException("quant setup needs plan, quantizer and granularity; found " + plan
                    + ", " + kind + ", " + granularity);
        }
    }

    /**
     * The setup of a network's attached weight quantizers; empty when none is attached.
     *
     * @throws IllegalStateException when layers mix quantizer kinds or granularities
     */
    public static Optional<QuantSetup> of(PoseNet net) {
        QuantizerKind kind = null;
        Granularity granularity = null;
        for (PoseConv2d layer : net.layers()) {
            Optional<UniformWeightQuantizer> q = Quantization.quantizerOf(layer);
            if (q.isEmpty()) {
                continue;
            }
            if (kind != null && (kind != q.get().kind() || granularity != q.get().spec().granularity())) {
                throw new IllegalStateException("layer " + layer.name() + " has a " + q.get().kind() + " "
                        + q.get().spec().granularity() + " quantizer while earlier layers have " + kind + " "
                        + granularity + "; one setup per network is supported");
            }
            kind = q.get().kind();
            granularity = q.get().spec().granularity();
        }
        return kind == null ? Optional.empty()
                : Optional.of(new QuantSetup(Quantization.planOf(net), kind, granularity));
    }

    /** The metadata entries describing this setup. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PLAN_KEY, plan.toString());
        m.put(KIND_KEY, kind.name().toLowerCase(java.util.Locale.ROOT));
        m.put(GRANULARITY_KEY, granularity.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /**
     * Reads a setup from checkpoint metadata; empty when the metadata has no {@link #PLAN_KEY} (a float model).
     *
     * @throws IllegalArgumentException naming the key whose value is malformed
     */
    public static Optional<QuantSetup> fromMetadata(Map<String, String> metadata) {
        String plan = metadata.get(PLAN_KEY);
        if (plan == null || plan.isEmpty()) {
            return Optional.empty();
        }
        String kind = metadata.getOrDefault(KIND_KEY, "inq");
        String granularity = metadata.getOrDefault(GRANULARITY_KEY, "per_tensor");
        Granularity g;
        try {
            g = Granularity.valueOf(granularity.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(GRANULARITY_KEY + " must be per_tensor or per_channel, found '"
                    + granularity + "'");
        }
        return Optional.of(new QuantSetup(BitPlan.parse(plan), QuantizerKind.parse(kind), g));
    }

    /** Attaches this setup's quantizers to a network (see {@link Quantization#attach(PoseNet, BitPlan, QuantizerKind, Granularity)}). */
    public void attachTo(PoseNet net) {
        Quantization.attach(net, plan, kind, granularity);
    }
}
