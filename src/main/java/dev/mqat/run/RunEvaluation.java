package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import dev.mqat.data.BopDataset;
import dev.mqat.data.ImageStore;
import dev.mqat.data.InputImage;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.eval.PoseEvaluation;
import dev.mqat.eval.PoseEvaluator;
import dev.mqat.eval.PoseForward;
import dev.mqat.eval.PosePredictor;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mqat eval} and {@code mqat predict}: load a run's best checkpoint, predict poses, score them.
 *
 * <p>Predictions of a split go to {@code RUN/predictions-<split>.csv} (BOP19), so {@code mqat eval-poses} on
 * that file gives the same numbers; the metrics go to {@code RUN/metrics-<split>.json}. Quantized runs load like
 * float ones ({@link QuantizedCheckpoints#load}). Any other {@link ModelSource} (a packed model file) evaluates the
 * same way, its outputs beside it.
 */
public final class RunEvaluation {
    private RunEvaluation() {}

    /**
     * What an evaluation produced.
     *
     * @param result metrics overall and per depth bin
     * @param predictionsCsv where the BOP19 predictions were written
     * @param metricsJson where the metrics were written
     * @param secondsPerImage mean wall time per image (forward, decode, PnP)
     * @param images the evaluated images at network resolution, with their ground truth
     * @param predictions per image, the detected objects
     * @param classCornersMm per class index, the 8 box corners in the object frame (mm), to draw predictions with
     */
    public record Outcome(EvaluationResult result, Path predictionsCsv, Path metricsJson, double secondsPerImage,
            List<InputImage> images, List<List<PosePredictor.Prediction>> predictions, double[][][] classCornersMm) {}

    /** The checkpoint {@code mqat eval} uses: {@code checkpoints/best.ckpt}. */
    public static Path bestCheckpoint(Path runDir) {
        return runDir.resolve("checkpoints").resolve("best.ckpt");
    }

    /**
     * Evaluates a run on a dataset split.
     *
     * @param data dataset folder; null means the one the run trained on
     */
    public static Outcome evaluate(Path runDir, Path data, String split) {
        return evaluate(ModelSource.ofRun(runDir), data, split);
    }

    /**
     * Evaluates a model on a dataset split; outputs go where {@link ModelSource#output} says.
     *
     * @param data dataset folder; null means the one the model was trained on
     */
    public static Outcome evaluate(ModelSource model, Path data, String split) {
        InferenceSetup setup = new InferenceSetup(model.model(), model.objects(), model.decoder(), model.pnp(),
                model.depthCorrection(), model.data());
        try (NDManager manager = NDManager.newBaseManager(Devices.of(model.device()))) {
            PoseNet net = model.load(manager);
            return evaluate(setup, PoseForward.of(net, manager), manager, data, split,
                    model.output("predictions-" + split + ".csv"), model.output("metrics-" + split + ".json"));
        }
    }

    /**
     * Evaluates any network that gives {@link PoseNet}'s raw outputs (mqat's own, or an exported model run by another
     * runtime) with the decoder, PnP and metrics of {@link #evaluate(Path, Path, String)}.
     *
     * @param manager manager of the per-batch input arrays
     * @param data dataset folder; null means {@link InferenceSetup#data()}
     * @param predictionsCsv where the BOP19 predictions go
     * @param metricsJson where the metrics go
     */
    public static Outcome evaluate(InferenceSetup setup, PoseForward network, NDManager manager, Path data, String split,
            Path predictionsCsv, Path metricsJson) {
        BopDataset dataset = BopDataset.open(data == null ? Path.of(setup.data()) : data);
        RunData set = RunData.load(dataset, split, setup.model().inputSizePx(), 0);
        PosePredictor predictor = new PosePredictor(network, manager, setup.decoder(), setup.pnp(),
                RunObject.corners(setup.objects()), 64, setup.depthCorrection());
        long t0 = System.nanoTime();
        List<List<PosePredictor.Prediction>> predictions = predictor.predict(set.images);
        double perImage = (System.nanoTime() - t0) / 1e9 / Math.max(1, set.images.size());
        List<PoseEstimate> estimates = set.estimates(predictions, perImage);
        Bop19Csv.write(predictionsCsv, estimates);
        PoseEvaluation evaluation = PoseEvaluator.evaluate(set.targets(), estimates);
        AtomicFiles.writeString(metricsJson, evaluation.result().toJson() + "\n");
        return new Outcome(evaluation.result(), predictionsCsv, metricsJson, perImage, set.images, predictions,
                RunObject.corners(setup.objects()));
    }

    /** BOP object id of each class index of a run. */
    public static int[] objectIds(Path runDir) {
        return objectIds(ModelSource.ofRun(runDir));
    }

    /** BOP object id of each class index of a model. */
    public static int[] objectIds(ModelSource model) {
        return model.objects().stream().mapToInt(RunObject::objId).toArray();
    }

    /**
     * Predicts poses for arbitrary images taken with one camera.
     *
     * @return per image, the detected objects (class index, confidence, pose)
     */
    public static List<List<PosePredictor.Prediction>> predict(Path runDir, List<Path> images, double fx, double fy,
            double cx, double cy) {
        return predict(ModelSource.ofRun(runDir), images, fx, fy, cx, cy);
    }

    /**
     * Predicts poses for arbitrary images taken with one camera.
     *
     * @return per image, the detected objects (class index, confidence, pose)
     */
    public static List<List<PosePredictor.Prediction>> predict(ModelSource model, List<Path> images, double fx,
            double fy, double cx, double cy) {
        int size = model.model().inputSizePx();
        List<InputImage> inputs = new ArrayList<>();
        for (Path p : images) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("image not found: " + p);
            }
            inputs.add(ImageStore.load(p, fx, fy, cx, cy, size));
        }
        try (NDManager manager = NDManager.newBaseManager(Devices.of(model.device()))) {
            PoseNet net = model.load(manager);
            return new PosePredictor(net, manager, model.decoder(), model.pnp(), RunObject.corners(model.objects()), 16,
                    model.depthCorrection()).predict(inputs);
        }
    }

    /**
     * The depth correction a checkpoint carries ({@link DepthCorrection#NONE} when it has none).
     *
     * @throws MqatFormatException naming the file and key when a recorded value is not a number
     */
    public static DepthCorrection depthCorrection(Path checkpoint) {
        Map<String, String> metadata = ModelCheckpoint.readHeader(checkpoint).metadata();
        try {
            return DepthCorrection.fromMetadata(metadata);
        } catch (IllegalArgumentException e) {
            throw MqatFormatException.at(checkpoint, e.getMessage());
        }
    }
}
