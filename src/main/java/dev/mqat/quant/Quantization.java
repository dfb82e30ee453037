package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.model.WeightQuantizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Entry point of the quant package for a {@link PoseNet}: attach quantizers by bit plan or module, step INQ, read
 * the plan back, inspect layers, count sizes.
 *
 * <p>Attaching to an initialised network calibrates each quantizer from the float weights present at that moment,
 * so load the trained float model first. Every conv of a quantized module is quantized, first and last layers
 * included (DESIGN section 6); biases and norm parameters stay float.
 */
public final class Quantization {
    private Quantization() {}

    /**
     * Attaches a new quantizer of {@code kind} to every conv of {@code module}, replacing any quantizer there.
     *
     * @return the attached quantizers by layer name, in forward order
     */
    public static Map<String, UniformWeightQuantizer> attach(PoseNet net, NetModule module, QuantizerKind kind,
            QuantSpec spec) {
        Map<String, UniformWeightQuantizer> out = new LinkedHashMap<>();
        for (PoseConv2d layer : net.layers(module)) {
            UniformWeightQuantizer q = Quantizers.create(kind, spec, layer.weightShape());
            layer.setWeightQuantizer(q);
            out.put(layer.name(), q);
        }
        return out;
    }

    /**
     * Attaches quantizers to every conv the plan quantizes (module bits, overridden by layer bits) and removes them
     * from the convs it leaves float.
     *
     * @throws IllegalArgumentException when the plan names a layer the network lacks
     */
    public static Map<String, UniformWeightQuantizer> attach(PoseNet net, BitPlan plan, QuantizerKind kind,
            Granularity granularity) {
        plan.checkLayers(net.layers().stream().map(PoseConv2d::name).toList());
        Map<String, UniformWeightQuantizer> out = new LinkedHashMap<>();
        for (PoseConv2d layer : net.layers()) {
            int bits = plan.bitsFor(layer.name(), layer.module().key());
            if (bits == BitPlan.FLOAT_BITS) {
                layer.setWeightQuantizer(null);
            } else {
                UniformWeightQuantizer q = Quantizers.create(kind, new QuantSpec(bits, granularity),
                        layer.weightShape());
                layer.setWeightQuantizer(q);
                out.put(layer.name(), q);
            }
        }
        return out;
    }

    /**
     * Attaches a new input-activation quantizer to every conv of {@code module} (off by default; the paper
     * quantizes weights only).
     */
    public static void attachInputQuantizers(PoseNet net, NetModule module, ActivationQuantSpec spec) {
        for (PoseConv2d layer : net.layers(module)) {
            layer.setInputQuantizer(new UniformActivationQuantizer(spec));
        }
    }

    /** The uniform-grid quantizer attached to a layer, if any. */
    public static Optional<UniformWeightQuantizer> quantizerOf(PoseConv2d layer) {
        Optional<WeightQuantizer> q = layer.weightQuantizer();
        return q.filter(UniformWeightQuantizer.class::isInstance).map(UniformWeightQuantizer.class::cast);
    }

    /**
     * Freezes every INQ layer of {@code module} up to {@code fraction} (see {@link InqSchedule}); layers already at
     * or past it are left alone. Call outside a gradient collector, then clear the optimizer state.
     *
     * @return the number of weights newly frozen
     */
    public static long freezeInq(PoseNet net, NetModule module, double fraction) {
        long n = 0;
        for (PoseConv2d layer : net.layers(module)) {
            Optional<UniformWeightQuantizer> q = quantizerOf(layer);
            if (q.isPresent() && q.get() instanceof InqQuantizer inq) {
                n += inq.freeze(layer.weight().getArray(), fraction);
            }
        }
        return n;
    }

    /**
     * Squared L2 error {@code ||Q_b(W) - W||^2} of each conv of a module at {@code bits}, with the L2-fitted scale(s)
     * INQ would use; the quantization-error factor of MQAT's module importance (paper Eq. 1). Reads the float master
     * weights; attaches nothing.
     *
     * @return error per layer name, in forward order
     */
    public static Map<String, Double> squaredErrors(PoseNet net, NetModule module, int bits, Granularity granularity) {
        Map<String, Double> out = new LinkedHashMap<>();
        QuantSpec spec = new QuantSpec(bits, granularity);
        for (PoseConv2d layer : net.layers(module)) {
            float[] w = layer.weight().getArray().toFloatArray();
            float[] scales = Levels.fitScalesL2(w, spec.scaleCount(layer.outChannels()), bits);
            out.put(layer.name(), Levels.squaredError(w, scales, bits));
        }
        return out;
    }

    /**
     * The bit plan the network carries: a module entry when all its convs share bits, layer entries otherwise.
     */
    public static BitPlan planOf(PoseNet net) {
        Map<String, Integer> modules = new LinkedHashMap<>();
        Map<String, Integer> layers = new LinkedHashMap<>();
        for (NetModule m : NetModule.values()) {
            Set<Integer> bits = new HashSet<>();
            for (PoseConv2d l : net.layers(m)) {
                bits.add(quantizerOf(l).map(q -> q.spec().bits()).orElse(BitPlan.FLOAT_BITS));
            }
            if (bits.size() == 1) {
                int b = bits.iterator().next();
                if (b != BitPlan.FLOAT_BITS) {
                    modules.put(m.key(), b);
                }
            } else {
                for (PoseConv2d l : net.layers(m)) {
                    quantizerOf(l).ifPresent(q -> layers.put(l.name(), q.spec().bits()));
                }
            }
        }
        return new BitPlan(modules, layers);
    }

    /**
     * Per-layer inspection: bits, scales, distinct weight values, fraction quantized. Reads the weights the convs
     * use (one inference read per layer, in its own scope).
     */
    public static List<LayerInspection> inspect(PoseNet net) {
        List<LayerInspection> out = new ArrayList<>();
        for (PoseConv2d layer : net.layers()) {
            Optional<UniformWeightQuantizer> q = quantizerOf(layer);
            float[] used;
            try (NDScope scope = new NDScope()) {
                NDArray w = layer.weight().getArray();
                ParameterStore store = new ParameterStore(w.getManager(), false);
                used = layer.effectiveWeight(store, w.getDevice(), false).toFloatArray();
            }
            List<Float> scales = new ArrayList<>();
            if (q.isPresent()) {
                for (float s : q.get().scales()) {
                    scales.add(s);
                }
            }
            out.add(new LayerInspection(layer.name(), layer.module().key(),
                    q.map(x -> x.spec().bits()).orElse(BitPlan.FLOAT_BITS), q.map(UniformWeightQuantizer::kind)
                            .orElse(null), scales, distinctCount(used),
                    q.map(UniformWeightQuantizer::fractionQuantized).orElse(0.0)));
        }
        return out;
    }

    /** Number of distinct values, -0 and +0 counted once (what {@link LayerInspection#distinctValues()} counts). */
    public static int distinctCount(float[] values) {
        float[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0f) {
                v[i] = 0f;
            }
        }
        java.util.Arrays.sort(v);
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (i == 0 || Float.compare(v[i], v[i - 1]) != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The size-accounting description of a network: one entry per conv (weight, bias) and one per other parameter
     * holder (norm layers, level scales), in parameter order. Batch-norm running statistics and quantizer state are
     * not parameters of the model and are left out. Needs no initialisation (shapes only).
     */
    public static List<LayerInfo> layerInfos(PoseNet net) {
        Map<String, PoseConv2d> convs = new LinkedHashMap<>();
        for (PoseConv2d l : net.layers()) {
            convs.put(l.name(), l);
        }
        Map<String, long[]> owners = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR
                    || name.contains(".weight_quantizer.") || name.contains(".input_quantizer.")) {
                continue;
            }
            int dot = name.lastIndexOf('.');
            String owner = dot < 0 ? name : name.substring(0, dot);
            owners.computeIfAbsent(owner, k -> new long[1])[0] += p.getShape().size();
        }
        List<LayerInfo> out = new ArrayList<>();
        owners.forEach((owner, count) -> {
            PoseConv2d conv = convs.get(owner);
            if (conv != null) {
                out.add(new LayerInfo(owner, conv.module().key(), conv.weightCount(), conv.outChannels(),
                        count[0] - conv.weightCount()));
            } else {
                int dot = owner.indexOf('.');
                out.add(new LayerInfo(owner, dot < 0 ? owner : owner.substring(0, dot), 0, 0, count[0]));
            }
        });
        return out;
    }

    /** Size of a preset network under a plan (shapes only; nothing is allocated). */
    public static SizeReport size(ModelConfig config, BitPlan plan, Granularity granularity) {
        return SizeAccounting.count(layerInfos(PoseNet.build(config)), plan, granularity);
    }
}
