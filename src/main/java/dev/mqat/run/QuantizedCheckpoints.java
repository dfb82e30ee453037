package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.LayerInspection;
import dev.mqat.quant.QuantSetup;
import dev.mqat.quant.Quantization;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Saves and loads checkpoints of float and quantized networks alike: the metadata of a quantized checkpoint carries
 * its {@link QuantSetup} (and the activation bits when activations are fake-quantized), so loading builds the network,
 * attaches the same quantizers and then loads the parameters (the quantizer state comes with them).
 */
public final class QuantizedCheckpoints {
    /** Metadata key of the input-activation bits (absent when activations stay float). */
    public static final String ACT_BITS_KEY = "quant.act_bits";

    private QuantizedCheckpoints() {}

    /**
     * Loads any checkpoint: float ones as {@link ModelCheckpoint#load(Path, NDManager)}, quantized ones after
     * attaching the quantizers their metadata describes.
     */
    public static PoseNet load(Path file, NDManager manager) {
        ModelCheckpoint.Header header = ModelCheckpoint.readHeader(file);
        PoseNet net = PoseNet.create(header.model(), manager);
        Optional<QuantSetup> setup;
        try {
            setup = QuantSetup.fromMetadata(header.metadata());
        } catch (IllegalArgumentException e) {
            throw dev.mqat.MqatFormatException.at(file, e.getMessage());
        }
        if (setup.isPresent()) {
            setup.get().attachTo(net);
            String act = header.metadata().get(ACT_BITS_KEY);
            if (act != null) {
                int bits;
                try {
                    bits = Integer.parseInt(act);
                } catch (NumberFormatException e) {
                    throw dev.mqat.MqatFormatException.at(file, ACT_BITS_KEY + " must be an integer in 2..8, found '"
                            + act + "'");
                }
                for (NetModule m : quantizedModules(net)) {
                    Quantization.attachInputQuantizers(net, m, ActivationQuantSpec.defaults().withBits(bits));
                }
            }
        }
        ModelCheckpoint.load(net, file);
        return net;
    }

    /**
     * Saves a network with its quantizer setup (if any) and activation bits in the metadata, plus {@code extra}.
     *
     * @param actBits input-activation bits of the quantized modules, 0 when off
     */
    public static void save(PoseNet net, Path file, int actBits, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        QuantSetup.of(net).ifPresent(s -> meta.putAll(s.toMetadata()));
        if (actBits > 0) {
            meta.put(ACT_BITS_KEY, Integer.toString(actBits));
        }
        ModelCheckpoint.save(net, file, meta);
    }

    /** The modules with at least one quantized conv, in network order. */
    static Set<NetModule> quantizedModules(PoseNet net) {
        Set<NetModule> out = new LinkedHashSet<>();
        for (PoseConv2d l : net.layers()) {
            if (Quantization.quantizerOf(l).isPresent()) {
                out.add(l.module());
            }
        }
        return out;
    }

    /**
     * What {@code mqat model inspect} shows.
     *
     * @param plan the plan the network carries ({@code BitPlan} long form; empty for a float model)
     * @param layers per conv, in forward order
     */
    public record Inspection(String plan, List<LayerInspection> layers) {
        public Inspection {
            layers = List.copyOf(layers);
        }
    }

    /** Inspects the best checkpoint of a run folder ({@link RunEvaluation#bestCheckpoint}). */
    public static Inspection inspect(Path runDir) {
        Path ckpt = RunEvaluation.bestCheckpoint(runDir);
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            PoseNet net = load(ckpt, manager);
            return new Inspection(Quantization.planOf(net).toString(), Quantization.inspect(net));
        }
    }
}
