/**
 * Cameras, rigid poses, meshes (PLY), projection and PnP.
 *
 * <p>Units: millimetres for 3D, pixels for 2D. Frames: object (model) frame and camera frame (OpenCV:
 * +Z forward, +Y down). Imports nothing of mqat's other packages.
 */
package dev.mqat.geometry;
