package dev.mqat.run;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Turns a {@link DeviceChoice} into the DJL device a job's managers are created on: the one place that does. */
public final class Devices {
    private Devices() {}

    /**
     * The DJL device of {@code choice} on this machine's PyTorch engine.
     *
     * @throws IllegalStateException for {@link DeviceChoice#GPU} when the engine sees no GPU (a CPU-only build or no
     *     driver): the work fails rather than run somewhere it was not asked to
     */
    public static Device of(DeviceChoice choice) {
        Engine engine = Engine.getEngine("PyTorch");
        return switch (choice) {
            case AUTO -> engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (engine.getGpuCount() == 0) {
                    throw new IllegalStateException("device gpu: the PyTorch engine sees no GPU on this machine "
                            + "(a CPU-only build or no driver); use --device cpu or --device auto");
                }
                yield Device.gpu();
            }
        };
    }
}
