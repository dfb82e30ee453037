package dev.mqat.compare;

import dev.mqat.eval.EvaluationResult;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.SizeReport;
import java.nio.file.Path;

/**
 * What a finished layer-wise mixed-precision run produced ({@link LayerwiseMixedPrecision#run}); the details (traces,
 * Omega table, solver) are in {@code folder/layerwise.json}.
 *
 * @param plan the per-layer plan the network was fine-tuned with ({@code model inspect}'s form)
 * @param size the whole model's size under the plan, as {@code mqat size} counts it
 * @param validation metrics on the validation split after the fine-tune, null when the dataset has none
 * @param test metrics on the test split ({@code folder/metrics-test.json}), null when the dataset has none
 * @param folder the run folder, which {@code eval}, {@code predict}, {@code model inspect} and {@code size} read
 */
public record LayerwiseResult(BitPlan plan, SizeReport size, EvaluationResult validation, EvaluationResult test,
        Path folder) {}
