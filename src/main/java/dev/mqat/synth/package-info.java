/**
 * Synthetic BOP datasets: a software renderer and a scene sampler for any mesh, and the embedded
 * CubeSat-like default object.
 *
 * <p>Entry point: {@link dev.mqat.synth.Synthesizer#generate} (used by {@code mqat synth}). Pieces:
 * {@link dev.mqat.synth.CubeSatModel} (the default object), {@link dev.mqat.synth.SceneSampler} (poses,
 * light, background per image from (seed, index)), {@link dev.mqat.synth.SceneRenderer} (z-buffered
 * rasterizer with per-vertex colour, flat Lambert shading and 2x2 supersampling; stars, planet limb, pixel
 * noise; visible mask and BOP visibility info from the same z-buffer), {@link dev.mqat.synth.PngEncoder}
 * (deterministic PNG).
 *
 * <p>Default scene set (see {@link dev.mqat.synth.SceneConfig#forObject}): 128 px images, f = 150 px
 * (scaled with the image), the object's diameter spanning 60 px at the nearest depth and 7 px at the farthest
 * (447 to 3828 mm for the 178.6 mm satellite, ratio 8.6), depth uniform, all orientations, object centre
 * projected at least 12 px inside the border; 22000 images split 20240 / 880 / 880.
 *
 * <p>Units: millimetres in 3D, pixels in 2D; poses are object-to-camera (BOP {@code cam_R_m2c},
 * {@code cam_t_m2c}); camera frame as OpenCV (+X right, +Y down, +Z forward), pixel centres at integer
 * coordinates.
 *
 * <p>Imports: {@code dev.mqat} (AtomicFiles), {@code dev.mqat.geometry}, {@code dev.mqat.data} (the BOP
 * writer); outside mqat: Jackson (for {@code synth.json}) and the JDK.
 */
package dev.mqat.synth;
