package dev.mqat.search;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.mqat.model.HostArrays;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.QuantSpec;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.quant.Quantizers;
import dev.mqat.quant.UniformWeightQuantizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Module importance {@code Omega_k(b)} of MQAT phase C (paper Eq. 1; DESIGN section 7): how much quantizing module k
 * to b bits is expected to hurt, the Hessian-trace-weighted weight quantization error averaged over the module's convs.
 *
 * <p>{@code Omega_k(b) = (1 / L_k) sum_i (trace_i / N_i) ||Q_b(W_i) - W_i||^2} over the {@code L_k} convs i of module
 * k, with {@code trace_i} the Hessian trace of the loss with respect to conv i's weight (supplied by the caller, e.g. a
 * Hutchinson estimate), {@code N_i} its weight count ({@code trace_i / N_i} is HAWQ-V2's average Hessian diagonal) and
 * {@code W_i} its float master weight. {@code Q_b} is the symmetric uniform grid of {@link Levels} at b bits with the
 * scale(s) the base quantizer starts from: INQ's L2 fit, LSQ's initial step, STE's min-max scale.
 * {@link BitAllocation} turns the table into bit-widths.
 *
 * <p>Deviations: the paper does not say which scale {@code Q} uses; we take the base quantizer's initial scale, the
 * grid the module starts fine-tuning on, so the importance ranks what the gradated stage will actually see.
 *
 * <p>Pitfalls: a Hutchinson trace estimate can be negative away from a minimum; it is used as given, and a negative
 * Omega then means the estimate is unreliable, not that quantizing helps. Errors are in squared weight units, so Omega
 * values compare across modules and bit-widths of one network, not across networks.
 *
 * @param kind base quantizer whose initial scale defines {@code Q_b}
 * @param granularity scale granularity of {@code Q_b} (one scale per conv or per output channel)
 * @param omega {@code Omega_k(b)} by module (network order) and bit-width (ascending)
 * @param terms one entry per conv and bit-width, by module, then forward order, then bits ascending: the factors of
 *     Omega, for the search log
 */
public record ModuleImportance(QuantizerKind kind, Granularity granularity, Map<NetModule, Map<Integer, Double>> omega,
        List<LayerTerm> terms) {

    public ModuleImportance {
        if (kind == null || granularity == null) {
            throw new IllegalArgumentException("module importance needs a quantizer kind and a granularity, found "
                    + kind + " and " + granularity);
        }
        Map<NetModule, Map<Integer, Double>> copy = new EnumMap<>(NetModule.class);
        omega.forEach((module, byBits) -> copy.put(module, Collections.unmodifiableMap(new TreeMap<>(byBits))));
        omega = Collections.unmodifiableMap(copy);
        terms = List.copyOf(terms);
    }

    /**
     * One conv's share of {@code Omega_k(b)}.
     *
     * @param layer dotted conv name, e.g. {@code fpn.lateral.0}
     * @param module the module it belongs to
     * @param bits the bit-width {@code b}
     * @param weightCount {@code N_i}, its weight count
     * @param hessianTrace {@code trace_i}, the Hessian trace of the loss with respect to its weight
     * @param squaredError {@code ||Q_b(W_i) - W_i||^2}, squared weight units
     */
    public record LayerTerm(String layer, NetModule module, int bits, long weightCount, double hessianTrace,
            double squaredError) {
        public LayerTerm {
            if (weightCount <= 0) {
                throw new IllegalArgumentException("layer " + layer + " must have weights, found weightCount "
                        + weightCount);
            }
        }

        /** {@code (trace_i / N_i) ||Q_b(W_i) - W_i||^2}, the summand of Eq. 1. */
        public double contribution() {
            return hessianTrace / weightCount * squaredError;
        }
    }

    /**
     * Measures Omega for every module in {@code modules} and every bit-width in {@code candidateBits}: the terms of
     * {@link #layerTerms}, averaged per module and bit-width ({@link #moduleOmega}).
     *
     * @param net an initialised network (trained weights)
     * @param hessianTraces Hessian trace by conv name; needs every conv of the measured modules, may hold more
     * @param modules the modules to measure (order does not matter)
     * @param candidateBits the bit-widths, each in 1..8
     * @throws IllegalArgumentException when a module or bit list is empty, a bit-width is outside 1..8, or a conv has
     *     no finite trace
     * @throws IllegalStateException when the network's weights are not initialised
     */
    public static ModuleImportance measure(PoseNet net, Map<String, Double> hessianTraces,
            Collection<NetModule> modules, Collection<Integer> candidateBits, QuantizerKind kind,
            Granularity granularity) {
        List<LayerTerm> terms = layerTerms(net, hessianTraces, modules, candidateBits, kind, granularity);
        Map<NetModule, Map<Integer, List<LayerTerm>>> grouped = new EnumMap<>(NetModule.class);
        for (LayerTerm t : terms) {
            grouped.computeIfAbsent(t.module(), m -> new TreeMap<>()).computeIfAbsent(t.bits(), b -> new ArrayList<>())
                    .add(t);
        }
        Map<NetModule, Map<Integer, Double>> omega = new EnumMap<>(NetModule.class);
        grouped.forEach((module, byBits) -> {
            Map<Integer, Double> values = new LinkedHashMap<>();
            byBits.forEach((bits, moduleTerms) -> values.put(bits, moduleOmega(moduleTerms)));
            omega.put(module, values);
        });
        return new ModuleImportance(kind, granularity, omega, terms);
    }

    /**
     * One {@link LayerTerm} per conv of {@code modules} and bit-width of {@code candidateBits}: the per-layer factors
     * of Eq. 1, and with {@link LayerTerm#contribution()} HAWQ-V3's per-layer cost {@code Omega_i(b)} that the
     * layer-wise baseline allocates bits with.
     *
     * <p>Reads the float master weights (a quantizer attached to a conv is ignored); changes nothing in the network.
     * Each scale is found by the base quantizer's own {@code calibrate}, run on a copy of the weight in a scratch
     * manager closed right after, so no quantizer state is left in the model's manager.
     *
     * @param net an initialised network (trained weights)
     * @param hessianTraces Hessian trace by conv name; needs every conv of the measured modules, may hold more
     * @param modules the modules to measure (order does not matter)
     * @param candidateBits the bit-widths, each in 1..8
     * @return the terms by module (network order), then conv (forward order), then bits ascending
     * @throws IllegalArgumentException when a module or bit list is empty, a bit-width is outside 1..8, or a conv has
     *     no finite trace
     * @throws IllegalStateException when the network's weights are not initialised
     */
    public static List<LayerTerm> layerTerms(PoseNet net, Map<String, Double> hessianTraces,
            Collection<NetModule> modules, Collection<Integer> candidateBits, QuantizerKind kind,
            Granularity granularity) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("module importance needs at least one module; expected some of "
                    + List.of(NetModule.values()));
        }
        if (candidateBits.isEmpty()) {
            throw new IllegalArgumentException("module importance needs at least one candidate bit-width, e.g. 2,3,4,8");
        }
        SortedSet<Integer> bitsAscending = new TreeSet<>();
        for (int bits : candidateBits) {
            bitsAscending.add(Levels.checkBits(bits));
        }
        List<LayerTerm> terms = new ArrayList<>();
        for (NetModule module : EnumSet.copyOf(modules)) {
            List<PoseConv2d> layers = net.layers(module);
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("module " + module + " has no conv layer to measure");
            }
            for (PoseConv2d layer : layers) {
                double trace = traceOf(hessianTraces, layer, module);
                Parameter weight = initialisedWeight(layer);
                float[] weights = weight.getArray().toFloatArray();
                for (int bits : bitsAscending) {
                    float[] scales = initialScales(kind, new QuantSpec(bits, granularity), weights,
                            layer.weightShape(), weight.getArray().getManager());
                    terms.add(new LayerTerm(layer.name(), module, bits, layer.weightCount(), trace,
                            Levels.squaredError(weights, scales, bits)));
                }
            }
        }
        return terms;
    }

    /**
     * Eq. 1 for one module and bit-width: the mean of the terms' {@link LayerTerm#contribution()}, {@code L_k} being
     * the number of terms.
     *
     * @param moduleTerms one term per conv of the module, all at the same bit-width
     * @throws IllegalArgumentException when there is no term
     */
    public static double moduleOmega(List<LayerTerm> moduleTerms) {
        if (moduleTerms.isEmpty()) {
            throw new IllegalArgumentException("Omega of a module needs at least one layer term, found none");
        }
        double sum = 0;
        for (LayerTerm t : moduleTerms) {
            sum += t.contribution();
        }
        return sum / moduleTerms.size();
    }

    /**
     * {@code Omega_k(b)} of one module and bit-width.
     *
     * @throws IllegalArgumentException naming what was measured when the pair is not in the table
     */
    public double omegaOf(NetModule module, int bits) {
        Map<Integer, Double> byBits = omega.get(module);
        if (byBits == null || !byBits.containsKey(bits)) {
            throw new IllegalArgumentException("no Omega for " + module + " at " + bits + " bits; measured modules "
                    + omega.keySet() + " at bits " + (byBits == null ? "-" : byBits.keySet()));
        }
        return byBits.get(bits);
    }

    /**
     * The scale(s) the base quantizer of {@code kind} starts from on {@code weights}: built with
     * {@link Quantizers#create}, calibrated on a copy of the weights, read back with
     * {@link UniformWeightQuantizer#scales()}. Going through {@code calibrate} (rather than repeating its formula)
     * keeps this equal to what training uses; LSQ's and STE's initial scales are not public anyway. Levels' Java
     * quantization agrees bit for bit with the tensor forward, so these scales give the forward's {@code Q_b(W)}.
     *
     * @param parent the manager under which a scratch sub-manager holds the copy and the quantizer state; closed here
     * @return one scale per tensor or per output channel, positive
     */
    static float[] initialScales(QuantizerKind kind, QuantSpec spec, float[] weights, Shape weightShape,
            NDManager parent) {
        try (NDManager scratch = parent.newSubManager()) {
            UniformWeightQuantizer quantizer = Quantizers.create(kind, spec, weightShape);
            quantizer.calibrate(HostArrays.copyOf(scratch, weights, weightShape));
            return quantizer.scales();
        }
    }

    private static double traceOf(Map<String, Double> hessianTraces, PoseConv2d layer, NetModule module) {
        Double trace = hessianTraces.get(layer.name());
        if (trace == null || !Double.isFinite(trace)) {
            throw new IllegalArgumentException("no finite Hessian trace for conv " + layer.name() + " of module "
                    + module + " (found " + trace + "); pass one trace per conv of the measured modules, keyed by "
                    + "PoseConv2d.name()");
        }
        return trace;
    }

    private static Parameter initialisedWeight(PoseConv2d layer) {
        Parameter weight = layer.weight();
        if (!weight.isInitialized()) {
            throw new IllegalStateException("weight of conv " + layer.name() + " is not initialised; create the "
                    + "network with PoseNet.create or load a checkpoint before measuring module importance");
        }
        return weight;
    }
}
