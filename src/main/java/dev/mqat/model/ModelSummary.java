package dev.mqat.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter counts and fp32 sizes of a network, per module and per conv layer, counted from shapes (no
 * parameters are allocated). JSON form (what {@code mqat model summary --json} prints):
 * {@code {"arch", "total_params", "modules": {"backbone": {"params", "fp32_bytes"}, ...}, "layers": [{"name",
 * "module", "shape", "params"}]}}.
 *
 * <p>Counted: conv weights and biases, norm affine parameters, per-level scales ({@link PoseNet#parameterCount});
 * not counted: batch-norm running statistics (folded into the convs for deployment) and quantizer state. A layer's
 * {@code shape} is its weight shape {@code [out, in, kh, kw]} and its {@code params} are weight plus bias values.
 *
 * @param arch preset name
 * @param totalParams sum over the modules
 * @param modules per module key in order backbone, fpn, head
 * @param layers every conv layer in forward order
 */
@JsonPropertyOrder({"arch", "total_params", "modules", "layers"})
public record ModelSummary(@JsonProperty("arch") String arch, @JsonProperty("total_params") long totalParams,
        @JsonProperty("modules") Map<String, ModuleSize> modules, @JsonProperty("layers") List<LayerInfo> layers) {

    public ModelSummary {
        modules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modules));
        layers = List.copyOf(layers);
    }

    /**
     * Size of one module.
     *
     * @param params parameter values
     * @param fp32Bytes bytes at 32 bits per value
     */
    @JsonPropertyOrder({"params", "fp32_bytes"})
    public record ModuleSize(@JsonProperty("params") long params, @JsonProperty("fp32_bytes") long fp32Bytes) {}

    /**
     * One conv layer.
     *
     * @param name stable dotted name
     * @param module module key
     * @param shape weight shape {@code [out, in, kh, kw]}
     * @param params weight plus bias values
     */
    @JsonPropertyOrder({"name", "module", "shape", "params"})
    public record LayerInfo(@JsonProperty("name") String name, @JsonProperty("module") String module,
            @JsonProperty("shape") List<Long> shape, @JsonProperty("params") long params) {
        public LayerInfo {
            shape = List.copyOf(shape);
        }
    }

    /** Summarises a network built from {@code config} (nothing is allocated). */
    public static ModelSummary of(ModelConfig config) {
        return of(PoseNet.build(config));
    }

    /** Summarises a built network. */
    public static ModelSummary of(PoseNet net) {
        Map<String, ModuleSize> modules = new LinkedHashMap<>();
        long total = 0;
        for (NetModule m : NetModule.values()) {
            long p = net.parameterCount(m);
            modules.put(m.key(), new ModuleSize(p, 4 * p));
            total += p;
        }
        List<LayerInfo> layers = new ArrayList<>();
        for (PoseConv2d l : net.layers()) {
            List<Long> shape = new ArrayList<>();
            for (long d : l.weightShape().getShape()) {
                shape.add(d);
            }
            layers.add(new LayerInfo(l.name(), l.module().key(), shape, l.weightCount() + l.biasCount()));
        }
        return new ModelSummary(net.config().arch().key(), total, modules, layers);
    }
}
