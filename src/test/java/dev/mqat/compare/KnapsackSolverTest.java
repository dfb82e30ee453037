package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ojAlgo's multiple-choice knapsack against brute-force enumeration of every choice. */
class KnapsackSolverTest {

    /** The optimum by enumeration: the lowest cost over every choice within the capacity; NaN when none is. */
    private static double bruteForceCost(double[][] costs, long[][] weights, long capacity) {
        int[] choice = new int[costs.length];
        double best = Double.NaN;
        while (true) {
            double cost = 0;
            long weight = 0;
            for (int g = 0; g < choice.length; g++) {
                cost += costs[g][choice[g]];
                weight += weights[g][choice[g]];
            }
            if (weight <= capacity && !(cost >= best)) {
                best = cost;
            }
            int g = choice.length - 1;
            while (g >= 0 && ++choice[g] == costs[g].length) {
                choice[g--] = 0;
            }
            if (g < 0) {
                return best;
            }
        }
    }

    /**
     * Layers of a random size with three bit-widths: the weight grows with the bits as a layer's bytes do, the cost
     * falls with them as Omega does, with a random spread so layers differ in sensitivity, and with
     * {@code negatives} some layers' costs negative, as a negative Hessian-trace estimate makes them.
     */
    private static double[][] costs(SplittableRandom random, int layers, long[][] weights, boolean negatives) {
        double[][] costs = new double[layers][3];
        int[] bits = {2, 4, 8};
        for (int g = 0; g < layers; g++) {
            long n = 50 + random.nextInt(2000);
            double sensitivity = Math.exp(random.nextDouble(-6, 3)) * (negatives && random.nextBoolean() ? -1 : 1);
            weights[g] = new long[3];
            for (int o = 0; o < 3; o++) {
                weights[g][o] = (n * bits[o] + 7) / 8 + 4;
                costs[g][o] = sensitivity * Math.pow(4, -bits[o]) * (0.5 + random.nextDouble());
            }
        }
        return costs;
    }

    @Test
    void matchesBruteForceOnRandomInstancesWithTightAndLooseBudgets() {
        int instances = 0;
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int layers = 1; layers <= 10; layers += (layers < 4 ? 1 : 3)) {
                long[][] weights = new long[layers][];
                boolean negatives = seed % 3 == 0;
                double[][] costs = costs(random, layers, weights, negatives);
                long lightest = 0;
                long heaviest = 0;
                for (long[] w : weights) {
                    lightest += w[0];
                    heaviest += w[2];
                }
                // exactly the lightest choice, just above it, a fraction of the range, everything fits
                long[] capacities = {lightest, lightest + 1, lightest + (heaviest - lightest) / 4,
                        lightest + (heaviest - lightest) * 2 / 3, heaviest + 100};
                for (long capacity : capacities) {
                    KnapsackSolver.Solution s = KnapsackSolver.solve(costs, weights, capacity);
                    double expected = bruteForceCost(costs, weights, capacity);
                    String what = "seed " + seed + ", " + layers + " layers, capacity " + capacity;
                    assertThat(s.weight()).as("weight of the choice, " + what).isLessThanOrEqualTo(capacity);
                    assertThat(s.cost()).as("cost against brute force, " + what)
                            .isCloseTo(expected, within(1e-9 * Math.abs(expected) + 1e-300));
                    double recomputed = 0;
                    long weight = 0;
                    int[] choice = s.choice();
                    for (int g = 0; g < layers; g++) {
                        recomputed += costs[g][choice[g]];
                        weight += weights[g][choice[g]];
                    }
                    assertThat(s.cost()).as("reported cost is the choice's, " + what).isEqualTo(recomputed);
                    assertThat(s.weight()).as("reported weight is the choice's, " + what).isEqualTo(weight);
                    assertThat(s.state()).as("solver state, " + what).isIn("OPTIMAL", "DISTINCT");
                    if (capacity >= heaviest && !negatives) {
                        assertThat(choice).as("a loose budget takes every cheapest option, " + what)
                                .containsOnly(2);
                    }
                    if (capacity == lightest) {
                        assertThat(choice).as("the tightest budget leaves only the lightest, " + what)
                                .containsOnly(0);
                    }
                    instances++;
                }
            }
        }
        assertThat(instances).isEqualTo(6 * 6 * 5); // 1, 2, 3, 4, 7 and 10 layers
    }

    @Test
    void negativeAndEqualCostsAreHandled() {
        // a negative cost (a negative Hessian-trace estimate) still counts as cheap; group 1's equal costs tie
        double[][] costs = {{-1.0, -2.0, -3.0}, {5.0, 5.0, 5.0}, {3.0, 1.5, 0.0}};
        long[][] weights = {{10, 20, 40}, {10, 20, 40}, {10, 20, 40}};
        KnapsackSolver.Solution s = KnapsackSolver.solve(costs, weights, 80);
        // (-2, 5, 0) with weight 20 + {10 or 20} + 40 beats (-3, 5, 1.5) at 40 + 10 + 20; (-3, 5, 0) weighs 90
        assertThat(s.cost()).isEqualTo(bruteForceCost(costs, weights, 80)).isEqualTo(3.0);
        assertThat(s.choice()[0]).isEqualTo(1);
        assertThat(s.choice()[2]).isEqualTo(2);
        assertThat(s.weight()).isLessThanOrEqualTo(80);
    }

    @Test
    void anInfeasibleCapacityIsAClearError() {
        double[][] costs = {{3, 2, 1}, {3, 2, 1}};
        long[][] weights = {{10, 20, 40}, {15, 25, 45}};
        assertThatThrownBy(() -> KnapsackSolver.solve(costs, weights, 24)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("infeasible").hasMessageContaining("25").hasMessageContaining("24");
        assertThat(KnapsackSolver.solve(costs, weights, 25).choice()).containsExactly(0, 0);
    }

    @Test
    void malformedInputIsRejectedNamingTheGroup() {
        assertThatThrownBy(() -> KnapsackSolver.solve(new double[0][], new long[0][], 10))
                .hasMessageContaining("at least one group");
        assertThatThrownBy(() -> KnapsackSolver.solve(new double[][] {{1, 2}}, new long[][] {{1}}, 10))
                .hasMessageContaining("group 0");
        assertThatThrownBy(() -> KnapsackSolver.solve(new double[][] {{1, Double.NaN}}, new long[][] {{1, 2}}, 10))
                .hasMessageContaining("option 1").hasMessageContaining("NaN");
        assertThatThrownBy(() -> KnapsackSolver.solve(new double[][] {{1, 2}}, new long[][] {{1, -2}}, 10))
                .hasMessageContaining("-2");
    }
}
