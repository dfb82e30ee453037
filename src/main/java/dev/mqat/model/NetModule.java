package dev.mqat.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The three modules of the pose network, the units MQAT assigns one bit-width each.
 *
 * <p>Their {@link #key()} is the stable name used in layer names ({@code fpn.lateral.0}), bit plans
 * ({@code backbone=8,fpn=2,head=8}) and JSON; never DJL's ordinal-prefixed child keys.
 */
public enum NetModule {
    /**
     * DarkNet-style feature extractor giving C3, C4, C5.
     *
     * @see Backbone
     */
    BACKBONE("backbone"),
    /**
     * Feature pyramid: lateral and output convs plus the extra stride-2 levels.
     *
     * @see Fpn
     */
    FPN("fpn"),
    /**
     * Head shared across levels: classification and pose towers, logits and corner offsets.
     *
     * @see Head
     */
    HEAD("head");

    private final String key;

    NetModule(String key) {
        this.key = key;
    }

    /** Stable lower-case name: {@code backbone}, {@code fpn} or {@code head}. */
    public String key() {
        return key;
    }

    /**
     * The module with the given key.
     *
     * @throws IllegalArgumentException naming the key and the valid choices
     */
    public static NetModule fromKey(String key) {
        for (NetModule m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("module '" + key + "' does not exist; expected one of "
                + Arrays.stream(values()).map(NetModule::key).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return key;
    }
}
