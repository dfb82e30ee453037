package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.nio.file.Path;
import java.util.List;

/** A {@link ModelSource} on another device than the one it records ({@link ModelSource#onDevice}); all else as is. */
final class ModelOnDevice implements ModelSource {
    private final ModelSource model;
    private final DeviceChoice device;

    ModelOnDevice(ModelSource model, DeviceChoice device) {
        this.model = model;
        this.device = device;
    }

    @Override
    public DeviceChoice device() {
        return device;
    }

    @Override
    public ModelSource onDevice(DeviceChoice other) {
        return model.onDevice(other);
    }

    @Override
    public Path location() {
        return model.location();
    }

    @Override
    public ModelConfig model() {
        return model.model();
    }

    @Override
    public List<RunObject> objects() {
        return model.objects();
    }

    @Override
    public DecoderConfig decoder() {
        return model.decoder();
    }

    @Override
    public PnpConfig pnp() {
        return model.pnp();
    }

    @Override
    public DepthCorrection depthCorrection() {
        return model.depthCorrection();
    }

    @Override
    public String data() {
        return model.data();
    }

    @Override
    public PoseNet load(NDManager manager) {
        return model.load(manager);
    }

    @Override
    public Path output(String name) {
        return model.output(name);
    }

    @Override
    public QuantizedCheckpoints.Inspection inspect() {
        return model.inspect();
    }
}
