package dev.mqat.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mqat.eval.PosePredictor;
import dev.mqat.run.ModelSource;
import dev.mqat.run.RunEvaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Predicts poses for arbitrary images. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate object poses in images with a run's best checkpoint or a packed .mqat file.",
            "Images of any size are scaled to the network input (the camera is scaled with them), so poses are in "
                    + "the given camera's frame: R row-major, t in mm."})
final class PredictCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = SharedOptions.MODEL)
    Path run;

    @Option(names = "--camera", required = true, paramLabel = "fx,fy,cx,cy", description = "Intrinsics of the images, px.")
    String camera;

    @Mixin
    DeviceOption device;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (PNG, JPEG).")
    List<Path> images;

    /** What {@code predict --json} prints: per image, the objects found (R row-major, t in mm). */
    record PredictJson(List<ImageJson> images) {}

    record ImageJson(String image, List<ObjectJson> objects) {}

    record ObjectJson(int objId, double score, @JsonProperty("R") double[] rotation, double[] tMm, int inliers) {}

    @Override
    public void run() {
        ModelSource model = ModelArgument.open(run).onDevice(device.override());
        double[] k;
        try {
            k = Arrays.stream(camera.split(",")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException("--camera '" + camera + "': expected four numbers fx,fy,cx,cy");
        }
        if (k.length != 4) {
            throw new UsageException("--camera '" + camera + "': expected four numbers fx,fy,cx,cy, found " + k.length);
        }
        for (Path p : images) {
            if (!Files.isRegularFile(p)) {
                throw new UsageException("image not found: " + p);
            }
        }
        List<List<PosePredictor.Prediction>> predictions;
        try {
            predictions = RunEvaluation.predict(model, images, k[0], k[1], k[2], k[3]);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int[] objIds = RunEvaluation.objectIds(model);
        List<ImageJson> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<ObjectJson> objects = new ArrayList<>();
            for (PosePredictor.Prediction p : predictions.get(i)) {
                objects.add(new ObjectJson(objIds[p.classIndex()], p.confidence(), p.objectToCamera().rotation(),
                        p.objectToCamera().translationMm(), p.inliers()));
                if (!json) {
                    System.out.printf("%s  obj %d  score %.3f  t_mm %s  R %s%n", images.get(i), objIds[p.classIndex()],
                            p.confidence(), Arrays.toString(p.objectToCamera().translationMm()),
                            Arrays.toString(p.objectToCamera().rotation()));
                }
            }
            out.add(new ImageJson(images.get(i).toString(), objects));
            if (!json && predictions.get(i).isEmpty()) {
                System.out.println(images.get(i) + "  no object detected");
            }
        }
        if (json) {
            JsonOutput.print(new PredictJson(out));
        }
    }
}
