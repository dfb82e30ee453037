/**
 * The MQAT algorithm: probes, flow, Hessian-weighted bit allocation, gradated quantization, verification modes.
 *
 * <p>{@link dev.mqat.search.HessianTrace} estimates each conv layer's Hessian trace, the weight of that layer's
 * quantization error in the bit-allocation importance (paper Eq. 1); {@link dev.mqat.search.StoredHessian} keeps the
 * traces in a run's work folder, so that a resumed search (or a baseline of {@code dev.mqat.compare}) reads them back.
 *
 * <p>May import geometry, data, model, train, quant, eval and run.
 */
package dev.mqat.search;
