/**
 * The answer to "at this size, is MQAT better than what I would do otherwise?": the baselines (FP control, uniform
 * LSQ and INQ) and MQAT fine-tuned from one trained run with one budget, scored on the test split with paired
 * statistics ({@link dev.mqat.compare.Comparison}, {@code CMP/results.json}).
 *
 * <p>May import geometry, data, synth, model, train, quant, eval, run and search. The report that shows the results
 * lives in {@code dev.mqat.report}, which reads them.
 */
package dev.mqat.compare;
