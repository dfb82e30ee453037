package dev.mqat.synth;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.List;
import java.util.Optional;

/**
 * Everything that determines one synthetic image: the renderer draws exactly this, nothing random.
 *
 * @param index image index in the whole dataset (0-based)
 * @param objectToCamera ground-truth pose of the object (BOP {@code cam_R_m2c}, {@code cam_t_m2c} in mm)
 * @param camera image camera
 * @param light sun and ambient light
 * @param planet the planet limb behind the object, if any
 * @param stars background stars, one pixel each
 * @param noiseSigma Gaussian pixel noise, units of full scale
 * @param noiseSeed seed of the pixel-noise generator
 * @param supersampling samples per pixel along each axis
 */
public record Scene(int index, Pose objectToCamera, CameraIntrinsics camera, Lighting light, Optional<Planet> planet,
        List<Star> stars, double noiseSigma, long noiseSeed, int supersampling) {

    public Scene {
        stars = List.copyOf(stars);
    }

    /**
     * A large smoothly shaded disc (a planet seen from orbit), lit by the scene's sun.
     *
     * @param centerXPx disc centre x, px (usually outside the image)
     * @param centerYPx disc centre y, px
     * @param radiusPx disc radius, px
     * @param red albedo, 0..1
     * @param green albedo, 0..1
     * @param blue albedo, 0..1
     */
    public record Planet(double centerXPx, double centerYPx, double radiusPx, double red, double green, double blue) {}

    /**
     * A one-pixel star.
     *
     * @param xPx column
     * @param yPx row
     * @param red brightness, 0..1
     * @param green brightness, 0..1
     * @param blue brightness, 0..1
     */
    public record Star(int xPx, int yPx, double red, double green, double blue) {}
}
