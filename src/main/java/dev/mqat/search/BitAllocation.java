package dev.mqat.search;

import dev.mqat.model.NetModule;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.LayerInfo;
import dev.mqat.quant.Levels;
import dev.mqat.quant.SizeAccounting;
import dev.mqat.quant.SizeReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * MQAT's choice of one bit-width per module (paper Eq. 2; DESIGN section 7, phase C): minimise
 * {@code sum_k Omega_k(rho_k)} over the free modules subject to {@code size <= FP size / C}.
 *
 * <p>Sizes are counted exactly as {@code mqat size} counts them ({@link SizeAccounting#count} over the whole model,
 * every parameter included), with the modules fixed in advance (the probe winner, kept at 2 bits) at their bits and
 * modules neither free nor fixed in float. Solved by enumerating every combination of candidate bits: with at most 3
 * free modules and 4 candidates that is at most 64 size counts, so enumeration is exact and an ILP solver would add
 * nothing. Ties in the objective go to the smaller model, then to the lexicographically smaller bits in module order
 * (backbone, fpn, head), so the answer never depends on map iteration order.
 *
 * <p>Deviations: the paper writes the constraint with per-module sizes {@code S_k}; counting the whole model is the
 * same constraint with the float and fixed parts as a constant, and uses the one size definition the rest of mqat
 * reports.
 *
 * @param plan the chosen plan: fixed modules at their bits, free modules at the chosen bits
 * @param omegaSum {@code sum_k Omega_k(rho_k)} over the free modules at the chosen bits
 * @param size the whole model's size under {@code plan}
 * @param targetCompression {@code C}, the compression asked for (fp32 bytes / quantized bytes)
 * @param budgetBytes {@code fp32 bytes / C}; a plan is feasible when its quantized bytes are at most this
 * @param combinations every combination tried, feasible or not, in enumeration order (free modules in network order,
 *     the first one varying slowest, bits ascending), for the search log
 */
public record BitAllocation(BitPlan plan, double omegaSum, SizeReport size, double targetCompression,
        double budgetBytes, List<Combination> combinations) {

    /** Lower Omega sum, then smaller size, then lexicographically smaller bits in module order. */
    private static final Comparator<Combination> PREFERENCE = Comparator.comparingDouble(Combination::omegaSum)
            .thenComparingLong(Combination::quantizedBytes)
            .thenComparing(BitAllocation::bitsInModuleOrder, Arrays::compare);

    public BitAllocation {
        combinations = List.copyOf(combinations);
    }

    /**
     * One combination of bit-widths.
     *
     * @param plan fixed and free modules at their bits
     * @param omegaSum {@code sum_k Omega_k(rho_k)} over the free modules
     * @param quantizedBytes the whole model's size under the plan, bytes
     * @param compression fp32 bytes / {@code quantizedBytes}
     * @param feasible whether {@code quantizedBytes <= budgetBytes}
     */
    public record Combination(BitPlan plan, double omegaSum, long quantizedBytes, double compression,
            boolean feasible) {}

    /**
     * Chooses the bits of the free modules.
     *
     * @param layers the network's size-accounting description ({@code Quantization.layerInfos(net)})
     * @param granularity scale granularity counted (one fp32 scale per conv or per output channel)
     * @param omega {@code Omega_k(b)} of each free module ({@link ModuleImportance#omega()}); its keys are the free
     *     modules and each module's bits the candidates, the same set for every module
     * @param fixedBits modules whose bits are decided already (may be empty); they count in the size only
     * @param targetCompression {@code C > 0}
     * @throws IllegalArgumentException when no combination meets the budget (naming {@code C} and the largest
     *     compression the candidates reach), or on inconsistent input: no free module, a module both free and fixed,
     *     different candidate sets, a bit-width outside 1..8, a non-finite Omega, a non-positive {@code C}
     */
    public static BitAllocation solve(List<LayerInfo> layers, Granularity granularity,
            Map<NetModule, Map<Integer, Double>> omega, Map<NetModule, Integer> fixedBits, double targetCompression) {
        if (!(targetCompression > 0) || Double.isInfinite(targetCompression)) {
            throw new IllegalArgumentException("target compression must be a finite number > 0, found "
                    + targetCompression);
        }
        if (omega.isEmpty()) {
            throw new IllegalArgumentException("bit allocation needs at least one free module; the Omega table is "
                    + "empty");
        }
        Map<NetModule, Map<Integer, Double>> free = new EnumMap<>(omega); // network order
        List<Integer> candidates = checkedCandidates(free, fixedBits);

        List<NetModule> freeModules = new ArrayList<>(free.keySet());
        int[] choice = new int[freeModules.size()];
        List<Combination> combinations = new ArrayList<>();
        long fp32Bytes = 0;
        do {
            Map<String, Integer> moduleBits = new LinkedHashMap<>();
            fixedBits.forEach((module, bits) -> moduleBits.put(module.key(), bits));
            double omegaSum = 0;
            for (int j = 0; j < choice.length; j++) {
                int bits = candidates.get(choice[j]);
                moduleBits.put(freeModules.get(j).key(), bits);
                omegaSum += free.get(freeModules.get(j)).get(bits);
            }
            BitPlan plan = new BitPlan(moduleBits, Map.of());
            SizeReport report = SizeAccounting.count(layers, plan, granularity);
            fp32Bytes = report.fp32Bytes();
            boolean feasible = report.quantizedBytes() <= report.fp32Bytes() / targetCompression;
            combinations.add(new Combination(plan, omegaSum, report.quantizedBytes(), report.compression(), feasible));
        } while (advance(choice, candidates.size()));

        double budgetBytes = fp32Bytes / targetCompression;
        Combination best = combinations.stream().filter(Combination::feasible).min(PREFERENCE)
                .orElseThrow(() -> infeasible(combinations, candidates, freeModules, fixedBits, targetCompression));
        return new BitAllocation(best.plan(), best.omegaSum(), SizeAccounting.count(layers, best.plan(), granularity),
                targetCompression, budgetBytes, combinations);
    }

    /** Bits of a module under the chosen plan, {@link BitPlan#FLOAT_BITS} when it stays float. */
    public int bitsOf(NetModule module) {
        return plan.bitsOf(module.key()).orElse(BitPlan.FLOAT_BITS);
    }

    /** Whole-model compression of the chosen plan, fp32 bytes / quantized bytes. */
    public double compression() {
        return size.compression();
    }

    private static int[] bitsInModuleOrder(Combination c) {
        NetModule[] modules = NetModule.values();
        int[] bits = new int[modules.length];
        for (int i = 0; i < modules.length; i++) {
            bits[i] = c.plan().bitsOf(modules[i].key()).orElse(BitPlan.FLOAT_BITS);
        }
        return bits;
    }

    /** Next combination, last module fastest; false after the last one. */
    private static boolean advance(int[] choice, int candidateCount) {
        for (int j = choice.length - 1; j >= 0; j--) {
            if (++choice[j] < candidateCount) {
                return true;
            }
            choice[j] = 0;
        }
        return false;
    }

    private static List<Integer> checkedCandidates(Map<NetModule, Map<Integer, Double>> free,
            Map<NetModule, Integer> fixedBits) {
        for (NetModule module : fixedBits.keySet()) {
            if (free.containsKey(module)) {
                throw new IllegalArgumentException("module " + module + " is both fixed at " + fixedBits.get(module)
                        + " bits and free in the Omega table; give it in one of them");
            }
        }
        NetModule first = free.keySet().iterator().next();
        TreeSet<Integer> candidates = new TreeSet<>(free.get(first).keySet());
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("module " + first + " has no candidate bit-width in the Omega table");
        }
        for (Map.Entry<NetModule, Map<Integer, Double>> e : free.entrySet()) {
            if (!candidates.equals(new TreeSet<>(e.getValue().keySet()))) {
                throw new IllegalArgumentException("every free module needs Omega at the same candidate bits: "
                        + first + " has " + candidates + ", " + e.getKey() + " has "
                        + new TreeSet<>(e.getValue().keySet()));
            }
            e.getValue().forEach((bits, value) -> {
                Levels.checkBits(bits);
                if (value == null || !Double.isFinite(value)) {
                    throw new IllegalArgumentException("Omega of " + e.getKey() + " at " + bits
                            + " bits must be finite, found " + value);
                }
            });
        }
        return List.copyOf(candidates);
    }

    private static IllegalArgumentException infeasible(List<Combination> combinations, List<Integer> candidates,
            List<NetModule> freeModules, Map<NetModule, Integer> fixedBits, double targetCompression) {
        Combination smallest = combinations.stream().max(Comparator.comparingDouble(Combination::compression))
                .orElseThrow();
        String fixed = fixedBits.isEmpty() ? "" : " (fixed: " + fixedBits.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")) + ")";
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "no choice of bits %s for %s%s reaches compression %.2fx; the largest reachable is %.2fx with %s; "
                        + "lower the target compression or add smaller candidate bits",
                candidates, freeModules, fixed, targetCompression, smallest.compression(), smallest.plan()));
    }
}
