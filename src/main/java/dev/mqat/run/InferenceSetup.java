package dev.mqat.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything that turns a network's raw outputs into poses, besides the network itself: its shape (input side,
 * levels, strides, anchors, classes), the object classes with their box corners, the decoder and PnP settings and the
 * checkpoint's depth correction. A run folder holds it in {@code config.json} and its best checkpoint's metadata; an
 * exported model carries it as JSON ({@link #toJson()}) so that the file alone can be evaluated.
 *
 * @param model network shape; its input side, strides and anchors define the output cells ({@link
 *     dev.mqat.model.AnchorGrid})
 * @param objects the object classes, in class-index order
 * @param decoder post-processing settings
 * @param pnp PnP settings
 * @param depthCorrection depth bias removed from every PnP pose ({@link DepthCorrection#NONE} when none was fitted)
 * @param data dataset folder the run trained on: the data evaluated when none is named
 */
public record InferenceSetup(ModelConfig model, List<RunObject> objects, DecoderConfig decoder, PnpConfig pnp,
        DepthCorrection depthCorrection, String data) {

    public InferenceSetup {
        if (model == null || objects == null || decoder == null || pnp == null || depthCorrection == null) {
            throw new IllegalArgumentException("inference setup: model, objects, decoder, pnp and depthCorrection are "
                    + "required; found " + model + ", " + objects + ", " + decoder + ", " + pnp + ", " + depthCorrection);
        }
        objects = List.copyOf(objects);
        if (objects.size() != model.numClasses()) {
            throw new IllegalArgumentException("inference setup: " + objects.size() + " objects for a network of "
                    + model.numClasses() + " classes");
        }
    }

    /** The setup of a run folder: its {@code config.json} and the depth correction of its best checkpoint. */
    public static InferenceSetup of(Path runDir) {
        RunConfig cfg = RunConfig.read(runDir);
        return new InferenceSetup(cfg.model(), cfg.objects(), cfg.decoder(), cfg.pnp(),
                RunEvaluation.depthCorrection(RunEvaluation.bestCheckpoint(runDir)), cfg.data());
    }

    /** One JSON object, in the conventions of {@code config.json}. */
    public String toJson() {
        try {
            return RunConfig.JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inference setup: cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads {@link #toJson()}'s form; unknown keys are rejected.
     *
     * @throws IllegalArgumentException with the first line of the parser's message
     */
    public static InferenceSetup fromJson(String json) {
        try {
            return RunConfig.JSON.readValue(json, InferenceSetup.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("inference setup: " + String.valueOf(e.getOriginalMessage()).split("\n")[0], e);
        }
    }
}
