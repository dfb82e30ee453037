package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained network and what inference needs beside its weights, wherever they are stored: a run folder
 * ({@link #ofRun}) or another container, such as the packed model files of {@code dev.mqat.export}, which implements
 * this interface so that {@link RunEvaluation} evaluates and predicts with either without depending on it.
 */
public interface ModelSource {

    /** The run folder or file the model comes from, for messages. */
    Path location();

    /** The network's shape. */
    ModelConfig model();

    /** The object classes, in class-index order. */
    List<RunObject> objects();

    /** Inference post-processing settings. */
    DecoderConfig decoder();

    /** PnP settings at inference. */
    PnpConfig pnp();

    /** The depth bias removed from every pose ({@link DepthCorrection#NONE} when there is none). */
    DepthCorrection depthCorrection();

    /** Dataset folder the model was trained on: what {@code mqat eval} reads when no {@code --data} is given. */
    String data();

    /** Where the engine runs the network ({@link Devices#of}): the run's recorded device, or an override. */
    DeviceChoice device();

    /**
     * Builds the network with its weights (and its quantizers, if any) in {@code manager}, which owns them.
     *
     * @throws dev.mqat.MqatFormatException naming the file when the stored weights do not fit the network
     */
    PoseNet load(NDManager manager);

    /**
     * Where an evaluation output called {@code name} goes ({@code predictions-test.csv}, {@code metrics-test.json},
     * {@code overlays-test}): inside a run folder, beside a file.
     */
    Path output(String name);

    /** What {@code mqat model inspect} shows: the plan and, per conv, bits, scales and distinct values. */
    QuantizedCheckpoints.Inspection inspect();

    /**
     * This model on {@code device} for the work at hand (a command's {@code --device}), the stored files untouched;
     * this model itself when {@code device} is null.
     */
    default ModelSource onDevice(DeviceChoice device) {
        return device == null ? this : new ModelOnDevice(this, device);
    }

    /**
     * The best checkpoint of a run folder with the run's {@code config.json}.
     *
     * @throws dev.mqat.MqatFormatException naming {@code config.json} when it is malformed
     */
    static ModelSource ofRun(Path runDir) {
        return new RunFolderModel(runDir, RunConfig.read(runDir));
    }
}
