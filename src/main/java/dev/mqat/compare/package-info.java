/**
 * The baselines MQAT is compared with. {@link dev.mqat.compare.LayerwiseMixedPrecision} is the layer-wise
 * mixed-precision baseline in the manner of HAWQ-V3: per-layer Hessian-trace sensitivity, bits per layer from an
 * integer linear program under the size budget, then LSQ quantization-aware training of every layer at once.
 *
 * <p>May import data, model, train, quant, eval, run and search; only {@code cli} imports this package.
 */
package dev.mqat.compare;
