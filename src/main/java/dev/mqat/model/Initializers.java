package dev.mqat.model;

import ai.djl.training.initializer.Initializer;

/** Weight initializers of the pose network (random draws use the engine's seeded generator). */
final class Initializers {

    private Initializers() {}

    /** Normal(0, gain / sqrt(fanIn)): He initialisation for the given gain. */
    static Initializer kaimingNormal(int fanIn, double gain) {
        float std = (float) (gain / Math.sqrt(fanIn));
        return (manager, shape, dataType) -> manager.randomNormal(0f, std, shape, dataType);
    }

    /** Uniform(-sqrt(3 / fanIn), +sqrt(3 / fanIn)): Kaiming uniform with a = 1, as WDR's FPN. */
    static Initializer kaimingUniformA1(int fanIn) {
        float bound = (float) Math.sqrt(3.0 / fanIn);
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    /** Normal(0, std). */
    static Initializer normal(double std) {
        float s = (float) std;
        return (manager, shape, dataType) -> manager.randomNormal(0f, s, shape, dataType);
    }

    /** Every value equal to {@code value}. */
    static Initializer constant(double value) {
        float v = (float) value;
        return (manager, shape, dataType) -> manager.full(shape, v, dataType);
    }
}
