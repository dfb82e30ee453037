package dev.mqat.cli;

import dev.mqat.run.CalibrationJob;

/**
 * What {@code calibrate-bn --json} and {@code calibrate-depth --json} print.
 *
 * @param written the checkpoint written
 * @param bnBatches batches the batch-norm statistics were recomputed over (0: kept)
 * @param depthSamples poses the depth correction was fitted on (0: not refitted)
 * @param logBiasAt1m fitted depth bias {@code ln(z_pred/z_true)} at 1 m
 * @param logBiasSlope its change per unit of {@code ln(z_pred/1 m)}
 * @param valAdi01dBefore validation ADI-0.1d before, percent
 * @param valAdi01dAfter validation ADI-0.1d after, percent
 */
record Calibrated(String written, int bnBatches, int depthSamples, double logBiasAt1m, double logBiasSlope,
        double valAdi01dBefore, double valAdi01dAfter) {

    static Calibrated of(CalibrationJob.Result r) {
        return new Calibrated(r.written().toString(), r.bnBatches(), r.depth().samples(),
                r.depth().correction().logBiasAt1m(), r.depth().correction().logBiasSlope(), r.scoreBefore(),
                r.scoreAfter());
    }
}
