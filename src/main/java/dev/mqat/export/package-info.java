/**
 * Exports of trained and quantized pose networks that other runtimes load, and the proof that they compute what mqat
 * evaluated.
 *
 * <p>Entry points: {@link dev.mqat.export.Exports} (one switch over the formats), the packed integer model file
 * ({@link dev.mqat.export.PackedModel}; layout in docs/export-format.md), which {@code eval}, {@code predict} and
 * {@code model inspect} also read in place of a run folder; {@link dev.mqat.export.OnnxExporter} (a run or a loaded
 * network -> ONNX opset 21 with integer weights and QDQ nodes where the run quantizes; docs/export-onnx.md describes
 * inputs, outputs and decoding), {@link dev.mqat.export.OnnxPoseRunner} (ONNX Runtime for Java: raw outputs of a
 * batch, and a {@link dev.mqat.eval.PoseForward} for mqat's predictor), {@link dev.mqat.export.OnnxEvaluation}
 * (scores a .onnx file alone with mqat's decoder, PnP and metrics).
 *
 * <p>Units: sizes in bytes, bit-widths in bits (32 = float). Tensors are row-major (NCHW) with the output channel of
 * a conv weight on axis 0; pixels normalised as {@link dev.mqat.data.BatchLoader#normalize}. The ONNX messages are
 * Java classes protoc generates at build time from {@code src/main/proto/onnx.proto} (the ONNX project's schema) into
 * {@code dev.mqat.export.onnx}.
 *
 * <p>Reads run folders and models: may import geometry, data, model, quant, eval and run; nothing but cli imports
 * this package.
 */
package dev.mqat.export;
