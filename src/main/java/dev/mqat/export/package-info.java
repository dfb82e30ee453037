/**
 * Exports of trained and quantized pose networks that other runtimes load, and the proof that they compute what mqat
 * evaluated.
 *
 * <p>Entry points: {@link dev.mqat.export.OnnxExporter} (a run or a loaded network -> ONNX opset 21 with integer
 * weights and QDQ nodes where the run quantizes; docs/export-onnx.md describes inputs, outputs and decoding),
 * {@link dev.mqat.export.OnnxPoseRunner} (ONNX Runtime for Java: raw outputs of a batch, and a
 * {@link dev.mqat.eval.PoseForward} for mqat's predictor), {@link dev.mqat.export.OnnxEvaluation} (scores a .onnx
 * file alone with mqat's decoder, PnP and metrics).
 *
 * <p>The ONNX messages are Java classes protoc generates at build time from {@code src/main/proto/onnx.proto} (the
 * ONNX project's schema) into {@code dev.mqat.export.onnx}. Tensor layout NCHW; pixels normalised as
 * {@link dev.mqat.data.BatchLoader#normalize}. May import geometry, data, model, quant, eval and run (to load run
 * folders); nothing imports export except cli.
 */
package dev.mqat.export;
