/**
 * BOP datasets: value records, the reader {@link dev.mqat.data.BopDataset}, the writer
 * {@link dev.mqat.data.BopWriter}, SwissCube image lists, depth bins and annotation overlays.
 *
 * <p>Format: BOP scene-wise (models/obj_XXXXXX.ply, models/models_info.json, split folders of 6-digit scene
 * folders with scene_camera.json, scene_gt.json, scene_gt_info.json, rgb/, mask_visib/) plus SwissCube's
 * training.txt / validation.txt / testing.txt lists. mqat split names: {@code train}, {@code val},
 * {@code test}.
 *
 * <p>Units: millimetres for 3D (poses, model extents, diameters), pixels for 2D. Frames: BOP's
 * {@code cam_R_m2c} / {@code cam_t_m2c} is mqat's {@code objectToCamera} pose.
 *
 * <p>Imports: {@code dev.mqat} (AtomicFiles, MqatFormatException) and {@code dev.mqat.geometry} only;
 * outside mqat: Jackson, java.awt / ImageIO.
 */
package dev.mqat.data;
