/**
 * The jobs a user runs end to end: training a run folder ({@link dev.mqat.mqat.TrainingJob}), evaluating and
 * predicting with it ({@link dev.mqat.mqat.RunEvaluation}, float and quantized runs alike through
 * {@link dev.mqat.mqat.QuantizedCheckpoints}), gradated modular quantization ({@link dev.mqat.mqat.QuantizeJob}),
 * and the MQAT algorithm with its baselines.
 *
 * <p>May import geometry, data, model, train, quant and eval. The CLI calls only this package's entry points
 * (and the lower packages' value types).
 */
package dev.mqat.mqat;
