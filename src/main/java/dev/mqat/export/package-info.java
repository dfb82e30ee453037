/**
 * Exports of trained and quantized networks for other runtimes: the packed integer model file
 * ({@link dev.mqat.export.PackedModel}, written by {@link dev.mqat.export.Exports}; layout in docs/export-format.md),
 * which {@code eval}, {@code predict} and {@code model inspect} also read in place of a run folder.
 *
 * <p>Units: sizes in bytes, bit-widths in bits (32 = float). Tensors are row-major with the output channel of a conv
 * weight on axis 0. NDArrays appear only where a network is built or read; the file side uses Java arrays.
 *
 * <p>Reads run folders and models: may import geometry, data, model, quant, eval and run; nothing but cli imports
 * this package.
 */
package dev.mqat.export;
