/**
 * Training: targets and losses, the trainer loop, learning-rate schedules, checkpoints and run folders.
 *
 * <p>May import geometry, data and model. Every forward/backward runs inside an NDScope with the optimizer
 * step outside it.
 */
package dev.mqat.train;
