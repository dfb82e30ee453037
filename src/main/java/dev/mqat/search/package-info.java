/**
 * The MQAT algorithm: probes, flow, Hessian-weighted bit allocation, gradated quantization, verification modes.
 *
 * <p>{@link dev.mqat.search.HessianTrace} estimates each conv layer's Hessian trace, the weight of that layer's
 * quantization error in the bit-allocation importance (paper Eq. 1).
 *
 * <p>May import geometry, data, model, train, quant, eval and run.
 */
package dev.mqat.search;
