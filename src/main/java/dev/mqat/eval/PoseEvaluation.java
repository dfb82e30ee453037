package dev.mqat.eval;

import java.util.List;

/**
 * What {@link PoseEvaluator#evaluate} found: per-instance outcomes, their summary and the estimates it did not
 * use.
 *
 * @param instances one outcome per ground-truth instance, in the order of the targets given
 * @param result the summary, overall and per depth bin
 * @param unusedEstimates estimates that matched no instance: keys absent from the evaluated set, or more
 *     estimates for a key than it has instances
 */
public record PoseEvaluation(List<InstanceOutcome> instances, EvaluationResult result, int unusedEstimates) {

    public PoseEvaluation {
        instances = List.copyOf(instances);
    }
}
