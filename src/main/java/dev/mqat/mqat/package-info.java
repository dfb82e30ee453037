/**
 * The jobs a user runs end to end: training a run folder, evaluating and predicting with it, and the MQAT
 * algorithm with its baselines.
 *
 * <p>May import geometry, data, model, train, quant and eval. The CLI calls only this package's entry points
 * (and the lower packages' value types).
 */
package dev.mqat.mqat;
