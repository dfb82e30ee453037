/**
 * Run folders and the jobs that fill them: training ({@link dev.mqat.run.TrainingJob}), evaluating and predicting
 * ({@link dev.mqat.run.RunEvaluation}, float and quantized runs alike through
 * {@link dev.mqat.run.QuantizedCheckpoints}), gradated modular quantization along a given plan and flow
 * ({@link dev.mqat.run.QuantizeJob}) and calibration.
 *
 * <p>May import geometry, data, model, train, quant and eval. The MQAT algorithm that chooses plans and flows lives
 * in {@code dev.mqat.search}, above this package.
 */
package dev.mqat.run;
