/**
 * Training of the pose network: target assignment ({@link dev.mqat.train.TargetAssigner}: positive cells sampled
 * in the visible mask, spread over levels by object size), the loss ({@link dev.mqat.train.PoseLoss}: sigmoid focal
 * loss plus WDR's object-space loss), fed by the data pipeline of the data package
 * ({@link dev.mqat.data.ImageStore}, {@link dev.mqat.data.Augmenter}, {@link dev.mqat.data.BatchLoader}), and the
 * trainer loop ({@link dev.mqat.train.PoseTrainer}) with its checkpoints and run log.
 *
 * <p>Units: network-input pixels for 2D values, millimetres for 3D, object diameters for the object-space error.
 * Frames: camera frame (OpenCV) for the target corners. Every forward/backward runs inside an NDScope with the
 * optimizer step outside it.
 *
 * <p>May import geometry, data and model; never quant, eval, run, search, compare, export, report or cli.
 */
package dev.mqat.train;
