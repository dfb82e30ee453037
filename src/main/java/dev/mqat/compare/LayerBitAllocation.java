package dev.mqat.compare;

import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.LayerInfo;
import dev.mqat.quant.SizeAccounting;
import dev.mqat.quant.SizeReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ojalgo.optimisation.ExpressionsBasedModel;

/**
 * The layer-wise baseline's bits: one bit-width per conv layer minimising {@code sum_l Omega_l(b_l)} subject to the
 * whole model's size {@code <= fp32 size / C} (HAWQ-V3's integer linear program with its model-size constraint; Yao
 * et al., ICML 2021), solved exactly by {@link KnapsackSolver} (ojAlgo).
 *
 * <p>Sizes are counted as {@code mqat size} counts them ({@link SizeAccounting#count} over every parameter: each
 * layer's weights bit-packed at its bits plus its fp32 scale(s), biases and norm parameters at 32 bits). The weight
 * of option {@code b} of layer {@code l} in the program is exactly the bytes {@code SizeAccounting} gives that layer
 * at {@code b}; the parameters outside the convs are a constant taken off the budget. The chosen plan is counted
 * again with {@code SizeAccounting} and must give the total the program saw.
 *
 * <p>Layers whose trace estimate is not positive ("flat"; {@link LayerSensitivity#curved()}) are kept out of the
 * objective. The second-order model behind Omega predicts that quantization noise along a negative trace lowers the
 * loss, which holds only away from a minimum, and a Hutchinson estimate near zero has either sign by chance; taken
 * as given, such a layer's Omega is lowest at the fewest bits, and on the shipped {@code wdr-cpu} model (16 samples)
 * eight flat layers holding most of the weights went to 2 bits, so a 4x target gave a 7.3x plan. Instead the curved
 * layers' bits minimise {@code sum Omega} with the flat layers at their fewest bits (the most room the curved ones
 * can get), then the flat layers take the most bytes that fit in what is left (a second knapsack, maximising
 * bytes): among the plans of least Omega, the largest.
 *
 * <p>The plan is written in the form {@code model inspect} reads back from a quantized network: a module entry when
 * all its layers have the same bits, otherwise an entry for every layer of the module.
 *
 * @param plan the chosen per-layer plan
 * @param bitsByLayer conv name to its bits, forward order
 * @param omegaSum {@code sum_l Omega_l(b_l)} over the layers with a positive trace, at the chosen bits
 * @param size the whole model's size under {@code plan}
 * @param targetCompression {@code C}, fp32 bytes / quantized bytes asked for
 * @param budgetBytes {@code floor(fp32 bytes / C)}: a plan is feasible when its quantized bytes are at most this
 * @param solver the solver and its version, e.g. {@code ojAlgo 56.1.1 ExpressionsBasedModel}
 * @param solverState the solver's final state on the Omega program ({@code OPTIMAL} or {@code DISTINCT}); null when
 *     no layer has a positive trace
 * @param fillState the solver's final state on the program that gives the flat layers their bits; null when every
 *     layer has a positive trace
 */
public record LayerBitAllocation(BitPlan plan, Map<String, Integer> bitsByLayer, double omegaSum, SizeReport size,
        double targetCompression, long budgetBytes, String solver, String solverState, String fillState) {

    public LayerBitAllocation {
        bitsByLayer = Collections.unmodifiableMap(new LinkedHashMap<>(bitsByLayer));
    }

    /** Whole-model compression of the chosen plan, fp32 bytes / quantized bytes. */
    public double compression() {
        return size.compression();
    }

    /**
     * Chooses the bits of every conv layer.
     *
     * @param layers the network's size-accounting description ({@code Quantization.layerInfos(net)})
     * @param granularity scale granularity counted (one fp32 scale per conv or per output channel)
     * @param sensitivities one entry per conv of {@code layers} (every layer with weights), all with Omega at the
     *     same candidate bit-widths
     * @param targetCompression {@code C >= 1}
     * @throws IllegalArgumentException when no plan meets the budget (naming {@code C} and the largest compression
     *     the candidates reach), or on inconsistent input: a conv without sensitivity or a sensitivity without conv,
     *     different candidate sets, a non-finite Omega, {@code C} below 1
     */
    public static LayerBitAllocation solve(List<LayerInfo> layers, Granularity granularity,
            List<LayerSensitivity> sensitivities, double targetCompression) {
        if (!(targetCompression >= 1) || Double.isInfinite(targetCompression)) {
            throw new IllegalArgumentException("target compression must be a finite number >= 1, found "
                    + targetCompression);
        }
        List<Integer> candidates = checkedCandidates(layers, sensitivities);
        Map<String, String> moduleOf = new LinkedHashMap<>();
        sensitivities.forEach(s -> moduleOf.put(s.layer(), s.module()));

        // bytes of every layer at each candidate, as SizeAccounting counts them
        Map<Integer, Map<String, Long>> bytesAt = new HashMap<>();
        long fp32Bytes = 0;
        for (int bits : candidates) {
            SizeReport all = SizeAccounting.count(layers, uniform(moduleOf, bits), granularity);
            fp32Bytes = all.fp32Bytes();
            Map<String, Long> bytes = new HashMap<>();
            all.layers().forEach(l -> bytes.put(l.name(), l.quantizedBytes()));
            bytesAt.put(bits, bytes);
        }
        long budgetBytes = (long) Math.floor(fp32Bytes / targetCompression);
        long constant = 0; // layers without a weight to quantize: the same bytes under every plan
        Map<String, Long> first = bytesAt.get(candidates.get(0));
        for (LayerInfo l : layers) {
            if (!moduleOf.containsKey(l.name())) {
                constant += first.get(l.name());
            }
        }
        int n = sensitivities.size();
        long[][] weights = new long[n][candidates.size()];
        long smallest = constant;
        List<Integer> curved = new ArrayList<>();
        List<Integer> flat = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LayerSensitivity s = sensitivities.get(i);
            for (int j = 0; j < candidates.size(); j++) {
                weights[i][j] = bytesAt.get(candidates.get(j)).get(s.layer());
            }
            smallest += weights[i][0]; // bytes grow with bits: option 0 is the lightest
            (s.curved() ? curved : flat).add(i);
        }
        if (smallest > budgetBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "no choice of bits %s per layer reaches "
                    + "compression %.2fx (budget %d bytes); the largest reachable is %.2fx (%d bytes) with every "
                    + "layer at %d bits; lower the target compression or add smaller candidate bits", candidates,
                    targetCompression, budgetBytes, (double) fp32Bytes / smallest, smallest, candidates.get(0)));
        }
        int[] choice = new int[n];
        long flatLightest = 0;
        for (int i : flat) {
            flatLightest += weights[i][0];
        }
        // the curved layers: minimum sum Omega, with the flat ones at their fewest bits
        String state = null;
        double omegaSum = 0;
        long curvedBytes = 0;
        if (!curved.isEmpty()) {
            double[][] costs = new double[curved.size()][];
            long[][] bytes = new long[curved.size()][];
            for (int k = 0; k < curved.size(); k++) {
                LayerSensitivity s = sensitivities.get(curved.get(k));
                costs[k] = candidates.stream().mapToDouble(bits -> s.omega().get(bits)).toArray();
                bytes[k] = weights[curved.get(k)];
            }
            KnapsackSolver.Solution omega = KnapsackSolver.solve(costs, bytes, budgetBytes - constant - flatLightest);
            int[] c = omega.choice();
            for (int k = 0; k < curved.size(); k++) {
                choice[curved.get(k)] = c[k];
            }
            omegaSum = omega.cost();
            curvedBytes = omega.weight();
            state = omega.state();
        }
        // the flat layers: the most bytes that fit in what the curved ones left
        String fillState = null;
        if (!flat.isEmpty()) {
            double[][] costs = new double[flat.size()][];
            long[][] bytes = new long[flat.size()][];
            for (int k = 0; k < flat.size(); k++) {
                bytes[k] = weights[flat.get(k)];
                // the most bytes: cost is minus the layer's bytes at each choice
                costs[k] = Arrays.stream(bytes[k]).mapToDouble(layerBytes -> -layerBytes).toArray();
            }
            KnapsackSolver.Solution fill = KnapsackSolver.solve(costs, bytes, budgetBytes - constant - curvedBytes);
            int[] c = fill.choice();
            for (int k = 0; k < flat.size(); k++) {
                choice[flat.get(k)] = c[k];
            }
            fillState = fill.state();
        }

        Map<String, Integer> bitsByLayer = new LinkedHashMap<>();
        long programBytes = constant;
        for (int i = 0; i < n; i++) {
            bitsByLayer.put(sensitivities.get(i).layer(), candidates.get(choice[i]));
            programBytes += weights[i][choice[i]];
        }
        BitPlan plan = canonicalPlan(bitsByLayer, moduleOf);
        SizeReport size = SizeAccounting.count(layers, plan, granularity);
        if (size.quantizedBytes() != programBytes || size.quantizedBytes() > budgetBytes) {
            throw new IllegalStateException("layer-wise plan " + plan + " counts " + size.quantizedBytes()
                    + " bytes in SizeAccounting but " + programBytes + " in the program (budget " + budgetBytes + ")");
        }
        String version = ojAlgoVersion();
        return new LayerBitAllocation(plan, bitsByLayer, omegaSum, size, targetCompression, budgetBytes,
                "ojAlgo " + (version == null ? "" : version + " ") + "ExpressionsBasedModel", state, fillState);
    }

    /**
     * ojAlgo's version from its Maven metadata: in mqat's single jar every package reports mqat's own manifest
     * version, so the package's implementation version would name the wrong thing.
     */
    static String ojAlgoVersion() {
        try (java.io.InputStream in = ExpressionsBasedModel.class.getResourceAsStream(
                "/META-INF/maven/org.ojalgo/ojalgo/pom.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The plan of per-layer bits in {@code model inspect}'s form: a module entry when every layer of the module has
     * the same bits, else one entry per layer of the module.
     *
     * @param bitsByLayer conv name to bits, for every conv of the modules listed in {@code moduleOf}
     * @param moduleOf conv name to module key
     */
    static BitPlan canonicalPlan(Map<String, Integer> bitsByLayer, Map<String, String> moduleOf) {
        Map<String, Set<Integer>> bitsPerModule = new LinkedHashMap<>();
        bitsByLayer.forEach((layer, bits) -> bitsPerModule.computeIfAbsent(moduleOf.get(layer),
                m -> new TreeSet<>()).add(bits));
        Map<String, Integer> modules = new LinkedHashMap<>();
        Map<String, Integer> perLayer = new LinkedHashMap<>();
        bitsByLayer.forEach((layer, bits) -> {
            Set<Integer> moduleBits = bitsPerModule.get(moduleOf.get(layer));
            if (moduleBits.size() == 1) {
                modules.put(moduleOf.get(layer), bits);
            } else {
                perLayer.put(layer, bits);
            }
        });
        return new BitPlan(modules, perLayer);
    }

    private static BitPlan uniform(Map<String, String> moduleOf, int bits) {
        Map<String, Integer> modules = new LinkedHashMap<>();
        moduleOf.values().forEach(m -> modules.put(m, bits));
        return new BitPlan(modules, Map.of());
    }

    private static List<Integer> checkedCandidates(List<LayerInfo> layers, List<LayerSensitivity> sensitivities) {
        if (sensitivities.isEmpty()) {
            throw new IllegalArgumentException("layer-wise allocation needs the sensitivity of at least one layer");
        }
        Set<String> convs = new LinkedHashSet<>();
        for (LayerInfo l : layers) {
            if (l.weightCount() > 0) {
                convs.add(l.name());
            }
        }
        Set<String> measured = new LinkedHashSet<>();
        TreeSet<Integer> candidates = new TreeSet<>(sensitivities.get(0).omega().keySet());
        for (LayerSensitivity s : sensitivities) {
            if (!measured.add(s.layer())) {
                throw new IllegalArgumentException("layer " + s.layer() + " has two sensitivities");
            }
            if (!convs.contains(s.layer())) {
                throw new IllegalArgumentException("sensitivity of layer " + s.layer() + ", which the network has no "
                        + "quantizable weight for");
            }
            if (!candidates.equals(new TreeSet<>(s.omega().keySet()))) {
                throw new IllegalArgumentException("every layer needs Omega at the same candidate bits: "
                        + sensitivities.get(0).layer() + " has " + candidates + ", " + s.layer() + " has "
                        + s.omega().keySet());
            }
            s.omega().forEach((bits, value) -> {
                if (bits < 1 || bits > 8 || value == null || !Double.isFinite(value)) {
                    throw new IllegalArgumentException("Omega of layer " + s.layer() + " at " + bits
                            + " bits must be finite with bits in 1..8, found " + value);
                }
            });
        }
        List<String> missing = new ArrayList<>(convs);
        missing.removeAll(measured);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no sensitivity for conv layer(s) " + missing + "; the layer-wise "
                    + "baseline quantizes every conv");
        }
        return List.copyOf(candidates);
    }
}
