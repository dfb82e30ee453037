package dev.mqat.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.train.CropPhase;
import dev.mqat.train.LossConfig;
import dev.mqat.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Everything a run was made with, written as {@code config.json} in the run folder and read back by
 * {@code --resume}, {@code mqat eval} and {@code mqat predict}.
 *
 * @param command the command line that created the run (for the record)
 * @param data dataset folder the run trained on
 * @param objects the object classes, in class-index order
 * @param model network shape
 * @param train optimisation settings
 * @param loss targets and loss settings
 * @param decoder inference post-processing settings
 * @param pnp PnP settings at inference
 * @param valImages validation images used for model selection (first ones of the val split; 0 = all)
 * @param device where the engine runs the network ({@code auto}, {@code cpu} or {@code gpu} in the file): for a new
 *     run {@code train --device}, default {@code auto}; a run made from another (quantize, search, compare) records
 *     the device it ran on
 * @param provenance versions, machine and time the run started
 * @param quantization how {@code mqat quantize} made the run; null for a float run from {@code mqat train}
 */
public record RunConfig(List<String> command, String data, List<RunObject> objects, ModelConfig model, TrainConfig train, LossConfig loss,
        DecoderConfig decoder, PnpConfig pnp, int valImages, DeviceChoice device, Map<String, String> provenance,
        QuantizeSettings quantization) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    public RunConfig {
        command = List.copyOf(command);
        objects = List.copyOf(objects);
        provenance = Map.copyOf(provenance);
        if (valImages < 0) {
            throw new IllegalArgumentException("valImages: must be >= 0, found " + valImages);
        }
        if (device == null) {
            throw new IllegalArgumentException("device: required, one of auto, cpu, gpu; found none");
        }
        for (CropPhase phase : train.crops()) {
            if (phase.sidePx() >= model.inputSizePx()) {
                throw new IllegalArgumentException("train.crops: a window of " + phase.sidePx()
                        + " px is not smaller than the input side " + model.inputSizePx() + " px; use 0 for whole images");
            }
        }
    }

    /** A float run (no {@code quantization} entry). */
    public RunConfig(List<String> command, String data, List<RunObject> objects, ModelConfig model, TrainConfig train,
            LossConfig loss, DecoderConfig decoder, PnpConfig pnp, int valImages, DeviceChoice device,
            Map<String, String> provenance) {
        this(command, data, objects, model, train, loss, decoder, pnp, valImages, device, provenance, null);
    }

    /** This config recording another command line. */
    public RunConfig withCommand(List<String> newCommand) {
        return new RunConfig(newCommand, data, objects, model, train, loss, decoder, pnp, valImages, device,
                provenance, quantization);
    }

    /** This config training on another dataset folder. */
    public RunConfig withData(String folder) {
        return new RunConfig(command, folder, objects, model, train, loss, decoder, pnp, valImages, device, provenance,
                quantization);
    }

    /** This config with other train settings. */
    public RunConfig withTrain(TrainConfig newTrain) {
        return new RunConfig(command, data, objects, model, newTrain, loss, decoder, pnp, valImages, device,
                provenance, quantization);
    }

    /** This config scoring only the first {@code images} validation images (0: all). */
    public RunConfig withValImages(int images) {
        return new RunConfig(command, data, objects, model, train, loss, decoder, pnp, images, device, provenance,
                quantization);
    }

    /** This config with another provenance. */
    public RunConfig withProvenance(Map<String, String> newProvenance) {
        return new RunConfig(command, data, objects, model, train, loss, decoder, pnp, valImages, device,
                newProvenance, quantization);
    }

    /** This config made by {@code mqat quantize} with {@code settings}; null for a float run. */
    public RunConfig withQuantization(QuantizeSettings settings) {
        return new RunConfig(command, data, objects, model, train, loss, decoder, pnp, valImages, device, provenance,
                settings);
    }

    /** This config on another device: a run made from this one that runs elsewhere, or a read-only override. */
    public RunConfig withDevice(DeviceChoice newDevice) {
        return new RunConfig(command, data, objects, model, train, loss, decoder, pnp, valImages, newDevice, provenance,
                quantization);
    }

    /** The config file of a run folder. */
    public static Path file(Path runDir) {
        return runDir.resolve("config.json");
    }

    /** Writes {@code config.json} atomically. */
    public void write(Path runDir) {
        try {
            AtomicFiles.write(file(runDir), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(file(runDir) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code config.json} of a run folder.
     *
     * @throws MqatFormatException naming the file when it is malformed or has unknown keys, and the key and the
     *     rule when a value is out of range (a config's own message, without the parser's wrapping)
     */
    public static RunConfig read(Path runDir) {
        Path f = file(runDir);
        try {
            return JSON.readValue(Files.readAllBytes(f), RunConfig.class);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(new NoSuchFileException(f + " (not a run folder: no config.json)"));
        } catch (IOException e) {
            String detail = e instanceof JsonMappingException && e.getCause() instanceof IllegalArgumentException
                    ? e.getCause().getMessage() : String.valueOf(e.getMessage());
            throw MqatFormatException.at(f, detail.split("\n")[0]);
        }
    }
}
