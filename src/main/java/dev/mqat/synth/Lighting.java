package dev.mqat.synth;

/**
 * A directional sun plus ambient light, in the camera frame.
 *
 * <p>Lambert shading: a surface of albedo {@code a} and unit normal {@code n} (turned towards the camera)
 * gets colour {@code a * (ambient + sunIntensity * max(0, n . toSun))}.
 *
 * @param toSunX x of the unit vector from the object towards the sun, camera frame
 * @param toSunY y of that vector
 * @param toSunZ z of that vector
 * @param ambient ambient term, 0..1
 * @param sunIntensity sun term, 0..1; the sampler uses {@code 1 - ambient} so that a fully lit face keeps its albedo
 */
public record Lighting(double toSunX, double toSunY, double toSunZ, double ambient, double sunIntensity) {

    public Lighting {
        double norm = Math.sqrt(toSunX * toSunX + toSunY * toSunY + toSunZ * toSunZ);
        if (!(Math.abs(norm - 1) < 1e-6)) {
            throw new IllegalArgumentException("lighting: sun direction must be a unit vector, found length " + norm);
        }
        if (!(ambient >= 0 && ambient <= 1) || !(sunIntensity >= 0 && sunIntensity <= 1)) {
            throw new IllegalArgumentException("lighting: ambient and sunIntensity must be in 0..1, found "
                    + ambient + " and " + sunIntensity);
        }
    }

    /** Shading factor for a unit normal already turned towards the camera. */
    double shade(double nx, double ny, double nz) {
        double lambert = nx * toSunX + ny * toSunY + nz * toSunZ;
        return ambient + sunIntensity * Math.max(0, lambert);
    }
}
