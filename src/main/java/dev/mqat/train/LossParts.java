package dev.mqat.train;

import ai.djl.ndarray.NDArray;

/**
 * The loss of one batch and its parts, scalar NDArrays owned by the manager of the network outputs (freed by the
 * step's {@link ai.djl.ndarray.NDScope}).
 *
 * @param total weighted sum, the value to back-propagate
 * @param classification focal loss per positive cell (before weighting)
 * @param regression object-space loss per positive cell (before weighting), in diameters
 * @param positives number of positive cells in the batch
 */
public record LossParts(NDArray total, NDArray classification, NDArray regression, int positives) {}
