package dev.mqat.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The split whose images the network's depth bias is fitted on ({@link TrainConfig#depthCalibrationSplit()}),
 * written in {@code config.json} by its key, {@code train} or {@code val}.
 */
public enum DepthCalibrationSplit {
    /**
     * The first images of a fixed shuffle of the training images, unaugmented (the default).
     *
     * @see PoseTrainer#calibrationIndices
     */
    TRAIN("train"),
    /**
     * The validation images: ones the network never trained on, like the test images (the val score it is then
     * selected by is optimistic).
     *
     * @see PoseTrainer#calibrationIndices
     */
    VAL("val");

    private final String key;

    DepthCalibrationSplit(String key) {
        this.key = key;
    }

    /** The split's name in a dataset and in {@code config.json}: {@code train} or {@code val}. */
    @JsonValue
    public String key() {
        return key;
    }

    /**
     * The split of the given key, as {@code config.json} and {@code --depth-calibration-split} spell it.
     *
     * @throws IllegalArgumentException naming the key {@code train.depthCalibrationSplit}, the value and the choices
     */
    @JsonCreator
    public static DepthCalibrationSplit fromKey(String key) {
        for (DepthCalibrationSplit s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("train.depthCalibrationSplit: expected train or val, found '" + key + "'");
    }

    @Override
    public String toString() {
        return key;
    }
}
