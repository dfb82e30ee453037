/**
 * Cameras, rigid poses, meshes (PLY), projection and PnP.
 *
 * <p>Entry points: {@link dev.mqat.geometry.PlyFormat} (PLY meshes in and out),
 * {@link dev.mqat.geometry.Projection} (object points to pixels), {@link dev.mqat.geometry.PnpSolver} (pose from
 * 2D-3D correspondences, an adapter over BoofCV's EPnP, RANSAC and Levenberg-Marquardt refinement).
 *
 * <p>Units: millimetres for 3D, pixels for 2D. Frames: object (model) frame and camera frame (OpenCV:
 * +Z forward, +Y down). Imports nothing of mqat's other packages (only the root package's
 * {@code AtomicFiles} and {@code MqatFormatException}); BoofCV types never leave {@code PnpSolver}.
 */
package dev.mqat.geometry;
