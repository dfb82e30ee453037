package dev.mqat.synth;

/**
 * What {@link Synthesizer#generate} wrote.
 *
 * @param trainImages images in the train split
 * @param valImages images in the val split
 * @param testImages images in the test split
 * @param diameterMm the object's diameter, mm
 * @param scene the scene parameters used (camera, depth range, appearance)
 * @param seconds wall-clock time, s
 */
public record SynthSummary(int trainImages, int valImages, int testImages, double diameterMm, SceneConfig scene,
        double seconds) {

    /** Images over all splits. */
    public int totalImages() {
        return trainImages + valImages + testImages;
    }

    /** Throughput, images/s. */
    public double imagesPerSecond() {
        return seconds > 0 ? totalImages() / seconds : 0;
    }
}
