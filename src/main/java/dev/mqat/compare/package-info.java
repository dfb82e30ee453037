/**
 * The answer to "at this size, is MQAT better than what I would do otherwise?": the baselines (FP control, uniform
 * LSQ and INQ, and {@link dev.mqat.compare.LayerwiseMixedPrecision}, the layer-wise mixed-precision baseline in the
 * manner of HAWQ-V3: per-layer Hessian-trace sensitivity, bits per layer from an integer linear program under the
 * size budget, then LSQ quantization-aware training of every layer at once) and MQAT fine-tuned from one trained run
 * with one budget, scored on the test split with paired statistics ({@link dev.mqat.compare.Comparison},
 * {@code CMP/results.json}).
 *
 * <p>May import geometry, data, synth, model, train, quant, eval, run and search; only {@code cli} and
 * {@code report} import this package.
 */
package dev.mqat.compare;
