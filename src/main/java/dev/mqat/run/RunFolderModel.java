package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.nio.file.Path;
import java.util.List;

/** A run folder as a {@link ModelSource}: its {@code config.json} and its best checkpoint. */
final class RunFolderModel implements ModelSource {
    private final Path runDir;
    private final RunConfig config;

    RunFolderModel(Path runDir, RunConfig config) {
        this.runDir = runDir;
        this.config = config;
    }

    @Override
    public Path location() {
        return runDir;
    }

    @Override
    public ModelConfig model() {
        return config.model();
    }

    @Override
    public List<RunObject> objects() {
        return config.objects();
    }

    @Override
    public DecoderConfig decoder() {
        return config.decoder();
    }

    @Override
    public PnpConfig pnp() {
        return config.pnp();
    }

    @Override
    public DepthCorrection depthCorrection() {
        return RunEvaluation.depthCorrection(RunEvaluation.bestCheckpoint(runDir));
    }

    @Override
    public String data() {
        return config.data();
    }

    @Override
    public DeviceChoice device() {
        return config.device();
    }

    @Override
    public PoseNet load(NDManager manager) {
        return QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(runDir), manager);
    }

    @Override
    public Path output(String name) {
        return runDir.resolve(name);
    }

    @Override
    public QuantizedCheckpoints.Inspection inspect() {
        return QuantizedCheckpoints.inspect(runDir);
    }
}
