package dev.mqat.synth;

/** How the scene sampler draws the object's depth between the nearest and farthest depth. */
public enum DepthSampling {
    /**
     * Uniform in depth (the default). The near/medium/far evaluation bins are equal-width in depth, so each
     * bin gets a third of the training and test images; a CPU prototype of the default network trained well
     * on it.
     *
     * @see SceneConfig#depthSampling()
     */
    UNIFORM,
    /**
     * Uniform in log depth: equal numbers of images per depth octave, so more near (large) objects than
     * {@link #UNIFORM}. Suits users who care most about close range.
     *
     * @see SceneConfig#depthSampling()
     */
    LOG_UNIFORM
}
