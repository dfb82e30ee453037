package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Small tensor helpers shared by the network blocks. */
final class NDArrays {

    private NDArrays() {}

    /** Concatenates per-level {@code [N, cells_l, K]} arrays along the cell axis (a single level is returned as is). */
    static NDArray concatCells(NDList perLevel) {
        return perLevel.size() == 1 ? perLevel.head() : NDArrays.concat(perLevel, 1);
    }

    private static NDArray concat(NDList list, int axis) {
        return ai.djl.ndarray.NDArrays.concat(list, axis);
    }
}
