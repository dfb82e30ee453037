package dev.mqat.run;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Maps the {@code --device auto|cpu|gpu} choice to a DJL device. */
public final class Devices {
    private Devices() {}

    /**
     * @throws IllegalArgumentException for an unknown name, or {@code gpu} when the engine sees none
     */
    public static Device of(String name) {
        Engine engine = Engine.getEngine("PyTorch");
        return switch (name) {
            case "auto" -> engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (engine.getGpuCount() == 0) {
                    throw new IllegalArgumentException("device 'gpu': the engine sees no GPU (CPU-only PyTorch build or no driver); use --device cpu");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("device '" + name + "' is not one of auto, cpu, gpu");
        };
    }
}
