package dev.mqat.export;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.mqat.run.RunEvaluation;
import java.nio.file.Path;

/**
 * {@code mqat eval --model FILE.onnx}: scores an exported model run by ONNX Runtime with exactly mqat's decoder,
 * PnP, depth correction and metrics ({@link RunEvaluation#evaluate(dev.mqat.run.InferenceSetup,
 * dev.mqat.eval.PoseForward, NDManager, Path, String, Path, Path)}), reading the setup from the model's metadata.
 *
 * <p>Writes {@code <stem>-predictions-<split>.csv} (BOP19) and {@code <stem>-metrics-<split>.json} beside the model.
 */
public final class OnnxEvaluation {
    private OnnxEvaluation() {}

    /**
     * Evaluates an ONNX pose model on a dataset split.
     *
     * @param data dataset folder; null means the one the exported run trained on (recorded in the model)
     */
    public static RunEvaluation.Outcome evaluate(Path model, Path data, String split) {
        return evaluate(model, data, split, OnnxPoseRunner.Options.defaults());
    }

    /** As {@link #evaluate(Path, Path, String)} with ONNX Runtime settings. */
    public static RunEvaluation.Outcome evaluate(Path model, Path data, String split, OnnxPoseRunner.Options options) {
        String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        Path dir = model.toAbsolutePath().getParent();
        try (OnnxPoseRunner runner = OnnxPoseRunner.open(model, options);
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            return RunEvaluation.evaluate(runner.setup(), runner, manager, data, split,
                    dir.resolve(stem + "-predictions-" + split + ".csv"), dir.resolve(stem + "-metrics-" + split + ".json"));
        }
    }
}
