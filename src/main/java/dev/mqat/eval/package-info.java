/**
 * Pose evaluation: error functions, matching of estimates to ground truth, accuracy summaries per depth bin,
 * and the BOP19 results CSV.
 *
 * <p>Entry points: {@link dev.mqat.eval.PoseErrors} (ADD, ADI/ADD-S, 2D projection, rotation and translation
 * errors; estimate, truth, model points in that order), {@link dev.mqat.eval.PoseEvaluator} (scores a list of
 * {@link dev.mqat.eval.EvalTarget}s against {@link dev.mqat.eval.PoseEstimate}s and returns an
 * {@link dev.mqat.eval.EvaluationResult}), {@link dev.mqat.eval.Bop19Csv} (results files in and out), {@link dev.mqat.eval.PosePredictor} (network outputs ->
 * corner correspondences -> EPnP + RANSAC poses).
 *
 * <p>Decisions written once here: errors are computed over <em>all</em> model vertices (the SwissCube
 * evaluation samples 1000 at random); success means ADD or ADI below 0.1 d or 0.5 d (d = diameter) and 2D
 * projection error below 5 px; a ground-truth instance without an estimate fails every threshold; near /
 * medium / far are three equal-width bins over the evaluated instances' ground-truth depths
 * ({@link dev.mqat.data.DepthBins}, shared with {@code mqat data inspect}). The SwissCube/WDR code labels its
 * headline metric "ADI" but computes ADD (no symmetries declared); mqat reports both under their own names.
 *
 * <p>Units: mm for 3D, px for 2D, degrees for angles, percent (0-100) for success rates. Frames: poses map
 * the object (model) frame to the camera frame. Imports from mqat: {@code geometry}, {@code data}, {@code model}.
 */
package dev.mqat.eval;
