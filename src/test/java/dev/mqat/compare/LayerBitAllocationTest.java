package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.LayerInfo;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerBitAllocationTest {

    /**
     * Three convs and a norm layer. Bytes at 2 / 4 / 8 bits with one 4-byte scale: backbone.a 800 weights -> 204 /
     * 404 / 804; fpn.b 400 weights -> 104 / 204 / 404; head.c 200 weights and 8 fp32 others -> 86 / 136 / 236; the
     * norm's 100 parameters cost 400 bytes under every plan. fp32: 4 * 1508 = 6032 bytes.
     */
    private static final List<LayerInfo> LAYERS = List.of(
            new LayerInfo("backbone.a", "backbone", 800, 8, 0),
            new LayerInfo("backbone.norm", "backbone", 0, 0, 100),
            new LayerInfo("fpn.b", "fpn", 400, 4, 0),
            new LayerInfo("head.c", "head", 200, 2, 8));

    private static LayerSensitivity sensitivity(String layer, double omega2, double omega4, double omega8) {
        return new LayerSensitivity(layer, BitPlan.moduleOf(layer), 1, 1, 0, Map.of(2, 1.0, 4, 1.0, 8, 1.0),
                Map.of(2, omega2, 4, omega4, 8, omega8));
    }

    @Test
    void theCheapestPlanWithinTheBudgetIsChosenAndCountedAsMqatSizeCounts() {
        List<LayerSensitivity> s = List.of(sensitivity("backbone.a", 10, 1, 0), sensitivity("fpn.b", 5, 0.5, 0),
                sensitivity("head.c", 3, 2, 0));
        // budget floor(6032 / 3.9) = 1546 bytes, 400 of them the norm's: 8-8-8 needs 1844; 8-4-8 (Omega 0.5) 1644;
        // 4-8-8 (Omega 1) 1444 fits; 8-2-8 (Omega 5) 1544 fits but costs more
        LayerBitAllocation a = LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, s, 3.9);
        assertThat(a.budgetBytes()).isEqualTo(1546);
        assertThat(a.bitsByLayer()).containsExactly(Map.entry("backbone.a", 4), Map.entry("fpn.b", 8),
                Map.entry("head.c", 8));
        assertThat(a.omegaSum()).isEqualTo(1.0);
        assertThat(a.size().quantizedBytes()).isEqualTo(1444);
        assertThat(a.size().fp32Bytes()).isEqualTo(6032);
        assertThat(a.plan()).as("one conv per module: module entries").isEqualTo(BitPlan.of(4, 8, 8));
        assertThat(a.solver()).startsWith("ojAlgo ").endsWith("ExpressionsBasedModel");
        assertThat(a.solverState()).isIn("OPTIMAL", "DISTINCT");
        // a looser budget takes everything at 8 bits
        assertThat(LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, s, 3.2).plan())
                .isEqualTo(BitPlan.uniform(8));
    }

    @Test
    void aFlatLayerTakesTheLargestBitsLeftByTheCurvedOnes() {
        // backbone.a has a negative trace: as given its Omega is lowest at 2 bits (-10), which would waste the budget
        List<LayerSensitivity> s = List.of(
                new LayerSensitivity("backbone.a", "backbone", 800, -1, 2, Map.of(2, 8.0, 4, 1.0, 8, 0.0),
                        Map.of(2, -10.0, 4, -1.0, 8, 0.0)),
                sensitivity("fpn.b", 5, 0.5, 0), sensitivity("head.c", 3, 2, 0));
        assertThat(s.get(0).curved()).isFalse();
        // budget 1546 bytes, 400 the norm's; the curved fpn.b and head.c get 8 bits (404 + 236) with backbone.a at
        // its fewest (204); 1546 - 400 - 640 = 506 bytes are left for backbone.a: 4 bits (404), not 8 (804)
        LayerBitAllocation a = LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, s, 3.9);
        assertThat(a.plan()).isEqualTo(BitPlan.of(4, 8, 8));
        assertThat(a.omegaSum()).as("the flat layer is not in the sum").isEqualTo(0.0);
        assertThat(a.size().quantizedBytes()).isEqualTo(1444);
        assertThat(a.solverState()).isIn("OPTIMAL", "DISTINCT");
        assertThat(a.fillState()).isIn("OPTIMAL", "DISTINCT");
        // every layer flat: the largest plan within the budget
        List<LayerSensitivity> allFlat = s.stream().map(l -> new LayerSensitivity(l.layer(), l.module(),
                l.weightCount(), -1, 0, l.squaredError(), l.squaredError())).toList();
        LayerBitAllocation flat = LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, allFlat, 3.9);
        assertThat(flat.solverState()).isNull();
        assertThat(flat.size().quantizedBytes()).as("8-2-8 and 8-4-4 (1544) are the largest within 1546")
                .isEqualTo(1544);
    }

    /**
     * On random small networks with some negative traces, the allocation is the brute-force lexicographic optimum:
     * least Omega over the curved layers, then the largest size.
     */
    @Test
    void matchesBruteForceLeastOmegaThenLargestSize() {
        int solved = 0;
        int withFlat = 0;
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 2 + random.nextInt(5);
            List<LayerInfo> layers = new ArrayList<>();
            List<LayerSensitivity> s = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = BitPlan.MODULES.get(i % 3) + ".conv" + i;
                long weights = 16L * (1 + random.nextInt(200));
                layers.add(new LayerInfo(name, BitPlan.moduleOf(name), weights, 16, random.nextInt(20)));
                double trace = Math.exp(random.nextDouble(-4, 4)) * (random.nextInt(3) == 0 ? -1 : 1);
                Map<Integer, Double> error = new LinkedHashMap<>();
                Map<Integer, Double> omega = new LinkedHashMap<>();
                for (int b : List.of(2, 4, 8)) {
                    error.put(b, weights * Math.pow(4, -b) * (0.5 + random.nextDouble()));
                    omega.put(b, trace / weights * error.get(b));
                }
                s.add(new LayerSensitivity(name, BitPlan.moduleOf(name), weights, trace, 0, error, omega));
            }
            double compression = 3 + random.nextDouble() * 6;
            LayerBitAllocation a;
            try {
                a = LayerBitAllocation.solve(layers, Granularity.PER_TENSOR, s, compression);
            } catch (IllegalArgumentException infeasible) {
                assertThat(infeasible).hasMessageContaining("no choice of bits");
                continue;
            }
            // brute force over every plan
            double bestOmega = Double.POSITIVE_INFINITY;
            long bestBytes = -1;
            int[] choice = new int[n];
            int[] bits = {2, 4, 8};
            do {
                Map<String, Integer> perLayer = new LinkedHashMap<>();
                double omega = 0;
                for (int i = 0; i < n; i++) {
                    perLayer.put(s.get(i).layer(), bits[choice[i]]);
                    omega += s.get(i).curved() ? s.get(i).omega().get(bits[choice[i]]) : 0;
                }
                SizeReport r = dev.mqat.quant.SizeAccounting.count(layers, new BitPlan(Map.of(), perLayer),
                        Granularity.PER_TENSOR);
                if (r.quantizedBytes() <= a.budgetBytes()) {
                    boolean lower = omega < bestOmega - 1e-12 * Math.abs(bestOmega);
                    boolean tie = Math.abs(omega - bestOmega) <= 1e-12 * Math.abs(bestOmega);
                    if (lower || tie && r.quantizedBytes() > bestBytes) {
                        bestOmega = Math.min(omega, bestOmega);
                        bestBytes = r.quantizedBytes();
                    }
                }
            } while (next(choice, 3));
            String what = "seed " + seed + ", " + n + " layers at " + compression + "x";
            assertThat(a.omegaSum()).as(what).isCloseTo(bestOmega, org.assertj.core.api.Assertions.within(
                    1e-9 * Math.abs(bestOmega) + 1e-300));
            assertThat(a.size().quantizedBytes()).as(what).isEqualTo(bestBytes);
            solved++;
            withFlat += s.stream().anyMatch(l -> !l.curved()) ? 1 : 0;
        }
        assertThat(solved).as("feasible instances").isGreaterThanOrEqualTo(8);
        assertThat(withFlat).as("feasible instances with a flat layer").isGreaterThanOrEqualTo(4);
    }

    private static boolean next(int[] choice, int options) {
        for (int i = choice.length - 1; i >= 0; i--) {
            if (++choice[i] < options) {
                return true;
            }
            choice[i] = 0;
        }
        return false;
    }

    @Test
    void modulesWithMixedBitsListEveryLayerAndUniformModulesOneEntry() {
        Map<String, String> moduleOf = new LinkedHashMap<>();
        Map<String, Integer> bits = new LinkedHashMap<>();
        String[][] layers = {{"backbone.x", "8"}, {"backbone.y", "8"}, {"fpn.p", "2"}, {"fpn.q", "4"},
            {"head.h", "4"}};
        for (String[] l : layers) {
            moduleOf.put(l[0], BitPlan.moduleOf(l[0]));
            bits.put(l[0], Integer.parseInt(l[1]));
        }
        BitPlan plan = LayerBitAllocation.canonicalPlan(bits, moduleOf);
        assertThat(plan.toString()).isEqualTo("backbone=8,head=4,fpn.p=2,fpn.q=4");
        assertThat(BitPlan.parse(plan.toString())).isEqualTo(plan);
        bits.forEach((layer, b) -> assertThat(plan.bitsFor(layer, moduleOf.get(layer))).as(layer).isEqualTo(b));
    }

    /**
     * The real {@code wdr-cpu} network with random sensitivities shaped like Omega (falling about 16x per extra two
     * bits, layers spread over five decades): at 4x and 8x the plan meets the budget as {@code mqat size} counts it,
     * sets every conv, and costs no more than any uniform plan that fits.
     */
    @Test
    void wdrCpuPlansAt4xAnd8xMeetTheBudgetOfMqatSize() {
        ModelConfig config = ModelConfig.preset("wdr-cpu");
        PoseNet net = PoseNet.build(config);
        List<LayerInfo> layers = Quantization.layerInfos(net);
        Map<Integer, SizeReport> uniformSizes = new LinkedHashMap<>();
        for (int b : List.of(2, 4, 8)) {
            uniformSizes.put(b, Quantization.size(config, BitPlan.uniform(b), Granularity.PER_TENSOR));
        }
        for (long seed = 1; seed <= 2; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<LayerSensitivity> s = new ArrayList<>();
            net.layers().forEach(l -> {
                double trace = Math.exp(random.nextDouble(-6, 6));
                Map<Integer, Double> omega = new LinkedHashMap<>();
                for (int b : List.of(2, 4, 8)) {
                    omega.put(b, trace * Math.pow(4, -b) * (0.5 + random.nextDouble()));
                }
                s.add(new LayerSensitivity(l.name(), l.module().key(), l.weightCount(), trace, 0, omega, omega));
            });
            for (double c : new double[] {4.0, 8.0}) {
                LayerBitAllocation a = LayerBitAllocation.solve(layers, Granularity.PER_TENSOR, s, c);
                SizeReport counted = dev.mqat.quant.SizeAccounting.count(layers, a.plan(), Granularity.PER_TENSOR);
                String what = "seed " + seed + " at " + c + "x, plan " + a.plan();
                assertThat(counted).as(what).isEqualTo(a.size());
                assertThat(counted.quantizedBytes()).as(what).isLessThanOrEqualTo((long) (counted.fp32Bytes() / c));
                assertThat(counted.compression()).as(what).isGreaterThanOrEqualTo(c);
                assertThat(a.bitsByLayer()).as(what).hasSize(net.layers().size());
                net.layers().forEach(l -> assertThat(a.plan().bitsFor(l.name(), l.module().key())).as(what)
                        .isEqualTo(a.bitsByLayer().get(l.name())).isIn(2, 4, 8));
                assertThat(BitPlan.parse(a.plan().toString())).isEqualTo(a.plan());
                for (int uniform : List.of(2, 4, 8)) {
                    SizeReport u = uniformSizes.get(uniform);
                    if (u.quantizedBytes() <= a.budgetBytes()) {
                        double omega = s.stream().mapToDouble(l -> l.omega().get(uniform)).sum();
                        assertThat(a.omegaSum()).as("%s against uniform %d bits", what, uniform)
                                .isLessThanOrEqualTo(omega * (1 + 1e-12));
                    }
                }
                assertThat(new java.util.HashSet<>(a.bitsByLayer().values())).as("a mixed plan, " + what)
                        .hasSizeGreaterThan(1);
            }
        }
    }

    @Test
    void anUnreachableCompressionNamesTheLargestReachable() {
        List<LayerSensitivity> s = List.of(sensitivity("backbone.a", 10, 1, 0), sensitivity("fpn.b", 5, 0.5, 0),
                sensitivity("head.c", 3, 2, 0));
        // every conv at 2 bits: 204 + 104 + 86 + 400 = 794 bytes, 6032 / 794 = 7.60x
        assertThatThrownBy(() -> LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, s, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8.00x")
                .hasMessageContaining("7.60x").hasMessageContaining("794 bytes");
        assertThat(LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, s, 7.59).plan())
                .isEqualTo(BitPlan.uniform(2));
    }

    @Test
    void inconsistentInputIsRejectedNamingTheLayer() {
        List<LayerSensitivity> missing = List.of(sensitivity("backbone.a", 10, 1, 0), sensitivity("fpn.b", 5, 0.5, 0));
        assertThatThrownBy(() -> LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, missing, 4))
                .hasMessageContaining("head.c");
        List<LayerSensitivity> unknown = new ArrayList<>(missing);
        unknown.add(sensitivity("head.c", 3, 2, 0));
        unknown.add(sensitivity("head.zz", 1, 1, 1));
        assertThatThrownBy(() -> LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, unknown, 4))
                .hasMessageContaining("head.zz");
        List<LayerSensitivity> otherBits = new ArrayList<>(missing);
        otherBits.add(new LayerSensitivity("head.c", "head", 1, 1, 0, Map.of(2, 1.0, 4, 1.0), Map.of(2, 1.0, 4,
                1.0)));
        assertThatThrownBy(() -> LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, otherBits, 4))
                .hasMessageContaining("same candidate bits");
        assertThatThrownBy(() -> LayerBitAllocation.solve(LAYERS, Granularity.PER_TENSOR, unknown.subList(0, 3), 0.5))
                .hasMessageContaining("0.5");
    }

    @Test
    void theSolverIsNamedWithOjAlgosOwnVersion() {
        // the version of ojAlgo's Maven metadata, not a manifest version (in mqat's jar every package has mqat's)
        assertThat(LayerBitAllocation.ojAlgoVersion()).matches("\\d+\\.\\d+\\.\\d+");
    }
}
