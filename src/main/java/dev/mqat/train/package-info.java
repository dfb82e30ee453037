/**
 * Training of the pose network: target assignment ({@link dev.mqat.train.TargetAssigner}: positive cells sampled
 * in the visible mask, spread over levels by object size), the loss ({@link dev.mqat.train.PoseLoss}: sigmoid focal
 * loss plus WDR's object-space loss), and the trainer loop.
 *
 * <p>Units: network-input pixels for 2D values, millimetres for 3D, object diameters for the object-space error.
 * Frames: camera frame (OpenCV) for the target corners. NDArrays appear only in the loss; targets are Java arrays.
 *
 * <p>May import model, data, synth and geometry; never quant, mqat, eval, export, report or cli.
 */
package dev.mqat.train;
