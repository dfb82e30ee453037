/**
 * The modular WDR-style pose network: {@link dev.mqat.model.PoseNet} with the modules backbone, fpn and head
 * ({@link dev.mqat.model.NetModule}), built from a {@link dev.mqat.model.ModelConfig} preset; its conv unit
 * {@link dev.mqat.model.PoseConv2d} with the fake-quantizer hooks ({@link dev.mqat.model.WeightQuantizer},
 * {@link dev.mqat.model.ActivationQuantizer}); the output cell layout ({@link dev.mqat.model.AnchorGrid}) and the
 * decoding of outputs into 2D-3D corner correspondences ({@link dev.mqat.model.CornerDecoder});
 * checkpoints ({@link dev.mqat.model.ModelCheckpoint}), size summaries, and the tensor engine.
 *
 * <p>Units: pixels of the network input for 2D values, millimetres for 3D. Tensors are NCHW float32; every
 * method returning an NDArray says which manager owns it.
 *
 * <p>May import geometry and data; never train, quant, eval, run, search, compare, export, report or cli.
 */
package dev.mqat.model;
