/**
 * The modular pose network (backbone, fpn, head), its presets, and the tensor engine (DJL + PyTorch).
 *
 * <p>May import geometry and data; never train, quant, mqat, eval, export, report or cli.
 */
package dev.mqat.model;
