package dev.mqat.compare;

import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.search.HessianTrace;
import dev.mqat.search.ModuleImportance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much quantizing one conv layer to each candidate bit-width is expected to hurt: HAWQ-V3's per-layer cost
 * {@code Omega_l(b) = Tr(H_l) / n_l * ||Q_b(W_l) - W_l||^2} (HAWQ-V3, Yao et al., ICML 2021, with the average
 * Hessian trace of HAWQ-V2, Dong et al., NeurIPS 2020), the quantity the layer-wise baseline's integer program
 * minimises.
 *
 * <p>{@code Tr(H_l)} is the Hutchinson estimate of {@link HessianTrace} for the layer's weight, {@code n_l} its
 * weight count, and {@code Q_b} the LSQ quantizer the baseline fine-tunes with, at the step LSQ starts from
 * ({@code 2 mean|w| / sqrt(2^(b-1) - 1)}, {@link ModuleImportance#layerTerms}): the cost describes the network the
 * fine-tune starts from. The numbers are {@link ModuleImportance.LayerTerm}s regrouped by layer, so the search's
 * module importance and this baseline's layer costs can never disagree on a layer.
 *
 * <p>Pitfalls: a trace estimate can be negative (noise, or a layer where the loss curves down); Omega is then
 * negative and lowest at the fewest bits. It is stored as computed; {@link LayerBitAllocation} leaves such layers
 * out of the objective ({@link #curved()}).
 *
 * @param layer dotted conv name, e.g. {@code fpn.lateral.0}
 * @param module key of its module ({@code backbone}, {@code fpn}, {@code head})
 * @param weightCount {@code n_l}
 * @param hessianTrace {@code Tr(H_l)}, loss per squared weight unit
 * @param traceStandardError standard error of the trace estimate
 * @param squaredError bit-width to {@code ||Q_b(W_l) - W_l||^2}, squared weight units, bits ascending
 * @param omega bit-width to {@code Omega_l(b)}, bits ascending
 */
public record LayerSensitivity(String layer, String module, long weightCount, double hessianTrace,
        double traceStandardError, Map<Integer, Double> squaredError, Map<Integer, Double> omega) {

    public LayerSensitivity {
        squaredError = Collections.unmodifiableMap(new TreeMap<>(squaredError));
        omega = Collections.unmodifiableMap(new TreeMap<>(omega));
        if (!omega.keySet().equals(squaredError.keySet()) || omega.isEmpty()) {
            throw new IllegalArgumentException("layer " + layer + ": Omega and squared error need the same, non-empty "
                    + "bit-widths, found " + omega.keySet() + " and " + squaredError.keySet());
        }
    }

    /**
     * Whether the trace estimate is positive, so that Omega says how much fewer bits hurt; a flat layer (trace
     * estimate zero or negative) is allocated by size instead ({@link LayerBitAllocation}).
     */
    public boolean curved() {
        return hessianTrace > 0;
    }

    /**
     * The sensitivity of every conv of {@code net}, in forward order.
     *
     * @param net the trained float network (its master weights are read; nothing is changed)
     * @param traces a trace for every conv of the network
     * @param bits candidate bit-widths, each in 1..8
     * @param granularity scale granularity of {@code Q_b}
     * @throws IllegalArgumentException when a conv has no finite trace or a bit-width is out of range
     */
    public static List<LayerSensitivity> measure(PoseNet net, HessianTrace.Result traces, List<Integer> bits,
            Granularity granularity) {
        Map<String, HessianTrace.LayerTrace> byLayer = new LinkedHashMap<>();
        traces.layers().forEach(t -> byLayer.put(t.layer(), t));
        Map<String, List<ModuleImportance.LayerTerm>> terms = new LinkedHashMap<>();
        for (ModuleImportance.LayerTerm t : ModuleImportance.layerTerms(net, traces.tracesByLayer(),
                List.of(NetModule.values()), bits, QuantizerKind.LSQ, granularity)) {
            terms.computeIfAbsent(t.layer(), k -> new ArrayList<>()).add(t);
        }
        List<LayerSensitivity> out = new ArrayList<>();
        terms.forEach((layer, layerTerms) -> {
            Map<Integer, Double> error = new TreeMap<>();
            Map<Integer, Double> omega = new TreeMap<>();
            for (ModuleImportance.LayerTerm t : layerTerms) {
                error.put(t.bits(), t.squaredError());
                omega.put(t.bits(), t.contribution());
            }
            ModuleImportance.LayerTerm first = layerTerms.get(0);
            out.add(new LayerSensitivity(layer, first.module().key(), first.weightCount(), first.hessianTrace(),
                    byLayer.get(layer).standardError(), error, omega));
        });
        return out;
    }
}
