/**
 * Weight quantization for modular QAT: the symmetric uniform grid ({@link dev.mqat.quant.Levels}), the INQ, LSQ and
 * STE weight quantizers ({@link dev.mqat.quant.Quantizers}, {@link dev.mqat.quant.QuantizerKind}), INQ's freezing
 * schedule ({@link dev.mqat.quant.InqSchedule}), optional activation fake quantization, bit plans
 * ({@link dev.mqat.quant.BitPlan}: module or layer to bits), size accounting
 * ({@link dev.mqat.quant.SizeAccounting}) and per-layer inspection data.
 *
 * <p>Units: sizes in bytes, bit-widths in bits (32 = float). Tensors: weights have their output channel on axis 0;
 * per-channel scales index it. NDArrays returned by quantizers belong to the current {@code NDScope}; quantizer state
 * lives in DJL {@code Parameter}s owned by the model's manager.
 *
 * <p>May import model and geometry; never train, eval, run, search, compare, export, report or cli.
 */
package dev.mqat.quant;
