package dev.mqat.quant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.mqat.model.NetModule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Bit-widths per module, optionally overridden per layer; modules and layers not listed stay float.
 *
 * <p>Text forms: {@code backbone=8,fpn=2,head=8} (any subset of the modules, plus layer entries such as
 * {@code fpn.lateral3=4}, a layer being named by its dotted path starting with its module) and the short form
 * {@code 8-2-8} (all three modules in backbone-fpn-head order), and {@value #FULL_PRECISION} for no quantized module.
 * {@link #toString()} prints the long form, modules in canonical order then layers sorted (the empty string for full
 * precision); {@link #text()} is the same with {@value #FULL_PRECISION} for full precision, the form JSON files hold;
 * {@link #parse} reads all three.
 *
 * @param moduleBits bits per module name (one of {@link #MODULES}), each in 1..8
 * @param layerBits bits per layer name (dotted, first part a module), each in 1..8; override the module's bits
 */
public record BitPlan(Map<String, Integer> moduleBits, Map<String, Integer> layerBits) {

    /** The modules of the pose network ({@link NetModule} keys), in the order of the short form. */
    public static final List<String> MODULES = Arrays.stream(NetModule.values()).map(NetModule::key).toList();

    /** Text form of the plan that quantizes nothing (a float fine-tune, the FP control of the search). */
    public static final String FULL_PRECISION = "fp";

    /** Bit-width reported for a float (unquantized) layer. */
    public static final int FLOAT_BITS = 32;

    public BitPlan {
        Map<String, Integer> modules = new LinkedHashMap<>();
        for (String m : MODULES) {
            if (moduleBits.containsKey(m)) {
                modules.put(m, checkLayerBits(m, checkNotNull(m, moduleBits.get(m))));
            }
        }
        for (String key : moduleBits.keySet()) {
            if (!MODULES.contains(key)) {
                throw new IllegalArgumentException(unknownModule(key));
            }
        }
        Map<String, Integer> layers = new TreeMap<>();
        for (Map.Entry<String, Integer> e : layerBits.entrySet()) {
            String layer = e.getKey();
            moduleOf(layer);
            layers.put(layer, checkLayerBits(layer, checkNotNull(layer, e.getValue())));
        }
        moduleBits = java.util.Collections.unmodifiableMap(modules);
        layerBits = java.util.Collections.unmodifiableMap(layers);
    }

    /** A plan with the same bits for every module ({@code uniform(8)} = 8-8-8). */
    public static BitPlan uniform(int bits) {
        return of(bits, bits, bits);
    }

    /** Bits for backbone, fpn and head. */
    public static BitPlan of(int backboneBits, int fpnBits, int headBits) {
        return new BitPlan(Map.of("backbone", backboneBits, "fpn", fpnBits, "head", headBits), Map.of());
    }

    /** A plan quantizing one module only. */
    public static BitPlan module(String module, int bits) {
        return new BitPlan(Map.of(module, bits), Map.of());
    }

    /** The plan with no quantized module (full precision). */
    public static BitPlan fullPrecision() {
        return new BitPlan(Map.of(), Map.of());
    }

    /**
     * Parses {@code backbone=8,fpn=2,head=8}, layer entries, or the short {@code 8-2-8}.
     *
     * @throws IllegalArgumentException naming the entry at fault: unknown module, bits outside 1..8, malformed text
     */
    @JsonCreator
    public static BitPlan parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty bit plan; expected e.g. backbone=8,fpn=2,head=8, 8-2-8 or fp");
        }
        String t = text.strip();
        if (t.equalsIgnoreCase(FULL_PRECISION)) {
            return fullPrecision();
        }
        if (!t.contains("=")) {
            String[] parts = t.split("-", -1);
            if (parts.length != MODULES.size()) {
                throw new IllegalArgumentException("bit plan '" + t + "' has " + parts.length
                        + " parts; the short form needs backbone-fpn-head bits such as 8-2-8");
            }
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int i = 0; i < parts.length; i++) {
                m.put(MODULES.get(i), parseBits(MODULES.get(i), parts[i]));
            }
            return new BitPlan(m, Map.of());
        }
        Map<String, Integer> modules = new LinkedHashMap<>();
        Map<String, Integer> layers = new LinkedHashMap<>();
        for (String entry : t.split(",", -1)) {
            int eq = entry.indexOf('=');
            if (eq < 0 || entry.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException("bit plan entry '" + entry.strip()
                        + "' must be NAME=BITS, e.g. fpn=2");
            }
            String key = entry.substring(0, eq).strip();
            int bits = parseBits(key, entry.substring(eq + 1));
            Map<String, Integer> target = key.contains(".") ? layers : modules;
            if (!key.contains(".") && !MODULES.contains(key)) {
                throw new IllegalArgumentException(unknownModule(key));
            }
            if (target.put(key, bits) != null) {
                throw new IllegalArgumentException("bit plan names '" + key + "' twice");
            }
        }
        return new BitPlan(modules, layers);
    }

    /** Bits of a module, empty when it stays float (or is not one of {@link #MODULES}). */
    public Optional<Integer> bitsOf(String module) {
        return Optional.ofNullable(moduleBits.get(module));
    }

    /**
     * Bits of a layer: its own entry, else its module's, else {@link #FLOAT_BITS} (also for a module outside
     * {@link #MODULES}).
     *
     * @param layer the dotted layer name
     * @param module the module the layer belongs to
     */
    public int bitsFor(String layer, String module) {
        Integer b = layerBits.get(layer);
        if (b != null) {
            return b;
        }
        return bitsOf(module).orElse(FLOAT_BITS);
    }

    /** Whether any weight is quantized under this plan. */
    public boolean isQuantized() {
        return !moduleBits.isEmpty() || !layerBits.isEmpty();
    }

    /** This plan with one module's bits set. */
    public BitPlan withModule(String module, int bits) {
        Map<String, Integer> m = new LinkedHashMap<>(moduleBits);
        m.put(module, bits);
        return new BitPlan(m, layerBits);
    }

    /**
     * The short form {@code 8-2-8}, when every module has bits and there are no layer entries; otherwise the long
     * form.
     */
    public String toShortString() {
        if (moduleBits.size() != MODULES.size() || !layerBits.isEmpty()) {
            return toString();
        }
        StringBuilder sb = new StringBuilder();
        for (String m : MODULES) {
            sb.append(sb.length() == 0 ? "" : "-").append(moduleBits.get(m));
        }
        return sb.toString();
    }

    /**
     * Checks that every layer entry names one of {@code layerNames}.
     *
     * @throws IllegalArgumentException naming the first unknown layer
     */
    public void checkLayers(java.util.Collection<String> layerNames) {
        for (String l : layerBits.keySet()) {
            if (!layerNames.contains(l)) {
                throw new IllegalArgumentException("bit plan names layer '" + l + "', which the network does not have "
                        + "(mqat model summary lists its conv layers)");
            }
        }
    }

    /** The module a dotted layer name belongs to (its first part). */
    public static String moduleOf(String layer) {
        int dot = layer.indexOf('.');
        String module = dot < 0 ? layer : layer.substring(0, dot);
        if (!MODULES.contains(module) || dot == layer.length() - 1) {
            throw new IllegalArgumentException("bit plan layer '" + layer
                    + "' must start with a module (backbone, fpn, head) followed by a dot and the layer path");
        }
        return module;
    }

    /**
     * The text a JSON file holds ({@code config.json}'s {@code quantization.plan}, the packed manifest's plan): the
     * long form, or {@value #FULL_PRECISION} when nothing is quantized. {@link #parse} reads it back to an equal plan.
     */
    @JsonValue
    public String text() {
        return isQuantized() ? toString() : FULL_PRECISION;
    }

    /** The long form {@code backbone=8,fpn=2,head=8[,layer=b...]}; empty string for full precision. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        moduleBits.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        layerBits.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    private static int parseBits(String name, String text) {
        String t = text.strip();
        int bits;
        try {
            bits = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bit plan bits for " + name + " must be an integer in 1..8, found '"
                    + t + "'");
        }
        return checkLayerBits(name, bits);
    }

    private static int checkLayerBits(String name, int bits) {
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("bit plan bits for " + name + " must be in 1..8, found " + bits);
        }
        return bits;
    }

    private static Integer checkNotNull(String name, Integer bits) {
        if (bits == null) {
            throw new IllegalArgumentException("bit plan bits for " + name + " must be in 1..8, found null");
        }
        return bits;
    }

    private static String unknownModule(String name) {
        return "unknown module '" + name + "' in bit plan; expected backbone, fpn or head";
    }
}
