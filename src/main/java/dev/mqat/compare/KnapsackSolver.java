package dev.mqat.compare;

import java.util.Arrays;
import java.util.Locale;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;
import org.ojalgo.optimisation.linear.LinearSolver;
import org.ojalgo.type.context.NumberContext;

/**
 * The multiple-choice knapsack of HAWQ-V3's bit allocation (Yao et al., ICML 2021), solved as a 0-1
 * integer linear program by ojAlgo's {@link ExpressionsBasedModel} (branch and bound over LP relaxations).
 *
 * <p>Groups {@code g} (layers) each have options {@code o} (bit-widths) with a cost {@code c[g][o]} (Omega) and an
 * integer weight {@code w[g][o]} (bytes). One binary {@code x[g][o]} per option; {@code sum_o x[g][o] = 1} for every
 * group; {@code sum w[g][o] x[g][o] <= capacity}; minimise {@code sum c[g][o] x[g][o]}.
 *
 * <p>Conditioning, which changes no optimum: all costs are divided by the largest absolute cost, so they lie in
 * [-1, 1]. The solver runs on one thread with a relative gap of 1e-12 and the primal simplex for its LP relaxations,
 * so the optimum it proves is exact for costs that differ in their twelfth digit and the same input always gives
 * the same choice. The cost and weight of the returned choice are recomputed from the caller's numbers, and a choice
 * that is not one option per group or is over the capacity (the solver's feasibility tolerance) is refused, never
 * returned.
 *
 * <p>Pitfalls: with ojAlgo 56.1.1's default LP configuration (dual simplex) branch and bound returned a suboptimal
 * choice (up to twice the optimal cost), or called a feasible program infeasible, on about 0.4 % of random instances
 * of 1 to 8 groups with 3 options; shifting each group's weights by their minimum, or its costs by theirs, did the
 * same on other instances. The primal simplex on the unshifted program matched brute-force enumeration on all 8000
 * instances tried; {@code KnapsackSolverTest} keeps checking it. Costs equal up to rounding may be chosen either way;
 * only the objective value is unique.
 */
final class KnapsackSolver {

    private KnapsackSolver() {}

    /**
     * An optimal choice.
     *
     * @param choice per group, the index of the chosen option
     * @param cost {@code sum c[g][choice[g]]}, in the caller's units
     * @param weight {@code sum w[g][choice[g]]}, at most the capacity
     * @param state the solver's final state: {@code OPTIMAL}, or {@code DISTINCT} when ojAlgo also found the optimum
     *     unique
     */
    record Solution(int[] choice, double cost, long weight, String state) {
        Solution {
            choice = choice.clone();
        }

        @Override
        public int[] choice() {
            return choice.clone();
        }
    }

    /**
     * Solves the knapsack.
     *
     * @param costs per group, per option, a finite cost
     * @param weights per group, per option, a weight >= 0 (same shape as {@code costs})
     * @param capacity the largest total weight allowed
     * @throws IllegalArgumentException on ragged or empty input, a non-finite cost, a negative weight, or when even
     *     the lightest option of every group exceeds the capacity (naming both totals)
     * @throws IllegalStateException when the solver proves no optimum (naming its state) or returns a choice that is
     *     not one option per group within the capacity
     */
    static Solution solve(double[][] costs, long[][] weights, long capacity) {
        int groups = costs.length;
        if (groups == 0 || weights.length != groups) {
            throw new IllegalArgumentException("knapsack needs at least one group and as many weight rows as cost rows;"
                    + " found " + groups + " cost rows and " + weights.length + " weight rows");
        }
        long lightest = 0;
        for (int g = 0; g < groups; g++) {
            if (costs[g].length == 0 || costs[g].length != weights[g].length) {
                throw new IllegalArgumentException("knapsack group " + g + " has " + costs[g].length + " costs and "
                        + weights[g].length + " weights; expected the same positive number");
            }
            long minWeight = Long.MAX_VALUE;
            for (int o = 0; o < costs[g].length; o++) {
                if (!Double.isFinite(costs[g][o])) {
                    throw new IllegalArgumentException("knapsack cost of group " + g + ", option " + o
                            + " must be finite, found " + costs[g][o]);
                }
                if (weights[g][o] < 0) {
                    throw new IllegalArgumentException("knapsack weight of group " + g + ", option " + o
                            + " must be >= 0, found " + weights[g][o]);
                }
                minWeight = Math.min(minWeight, weights[g][o]);
            }
            lightest = Math.addExact(lightest, minWeight);
        }
        if (lightest > capacity) {
            throw new IllegalArgumentException("knapsack infeasible: the lightest option of every group weighs "
                    + lightest + " in total, above the capacity " + capacity);
        }
        double costScale = 0;
        for (double[] group : costs) {
            for (double c : group) {
                costScale = Math.max(costScale, Math.abs(c));
            }
        }
        costScale = costScale > 0 ? costScale : 1;

        ExpressionsBasedModel model = new ExpressionsBasedModel(options());
        Variable[][] x = new Variable[groups][];
        Expression size = model.addExpression("size").upper(capacity);
        for (int g = 0; g < groups; g++) {
            x[g] = new Variable[costs[g].length];
            Expression one = model.addExpression("group" + g).level(1);
            for (int o = 0; o < costs[g].length; o++) {
                x[g][o] = model.addVariable("x" + g + "_" + o).binary().weight(costs[g][o] / costScale);
                one.set(x[g][o], 1);
                size.set(x[g][o], weights[g][o]);
            }
        }
        Optimisation.Result result = model.minimise();
        if (!result.getState().isOptimal()) {
            throw new IllegalStateException("knapsack: ojAlgo ended in state " + result.getState() + " on " + groups
                    + " groups with capacity " + capacity + "; expected an optimal state");
        }
        int[] choice = new int[groups];
        double cost = 0;
        long weight = 0;
        int first = 0; // the result lists the variables in the order they were added
        for (int g = 0; g < groups; g++) {
            int chosen = -1;
            for (int o = 0; o < x[g].length; o++) {
                if (result.doubleValue(first + o) > 0.5) {
                    if (chosen >= 0) {
                        chosen = -2;
                        break;
                    }
                    chosen = o;
                }
            }
            if (chosen < 0) {
                throw new IllegalStateException("knapsack: ojAlgo's solution " + result + " does not choose exactly one "
                        + "option of group " + g);
            }
            first += x[g].length;
            choice[g] = chosen;
            cost += costs[g][chosen];
            weight += weights[g][chosen];
        }
        if (weight > capacity) {
            throw new IllegalStateException(String.format(Locale.ROOT, "knapsack: ojAlgo's choice %s weighs %d, above "
                    + "the capacity %d (feasibility tolerance)", Arrays.toString(choice), weight, capacity));
        }
        return new Solution(choice, cost, weight, result.getState().name());
    }

    /** One thread (deterministic, and the machine is shared), a relative gap of 1e-12, the primal simplex. */
    private static Optimisation.Options options() {
        Optimisation.Options options = new Optimisation.Options();
        options.integer(IntegerStrategy.DEFAULT.withParallelism(() -> 1).withGapTolerance(NumberContext.of(12, 14)));
        options.linear(new LinearSolver.Configuration().primal());
        return options;
    }
}
