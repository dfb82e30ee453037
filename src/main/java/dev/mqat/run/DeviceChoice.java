package dev.mqat.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the engine runs a network: the {@code --device} option and the {@code device} key of {@code config.json},
 * written as {@code auto}, {@code cpu} or {@code gpu}. {@link Devices#of} turns a choice into a DJL device.
 *
 * <p>The name is not {@code Device} so that it never hides {@link ai.djl.Device}, which the jobs use beside it.
 */
public enum DeviceChoice {
    /**
     * The first GPU when the engine sees one, else the CPU: what {@code mqat train} records unless told otherwise.
     *
     * @see Devices#of
     */
    AUTO,
    /**
     * The CPU, whatever else the machine has.
     *
     * @see ai.djl.Device#cpu()
     */
    CPU,
    /**
     * The first GPU; a machine whose engine sees none fails with a message naming the way out, never falls back.
     *
     * @see ai.djl.Device#gpu()
     */
    GPU;

    /** The spelling on the command line and in {@code config.json}: {@code auto}, {@code cpu}, {@code gpu}. */
    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a choice from its key, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the key {@code device}, the value found and the valid choices
     */
    @JsonCreator
    public static DeviceChoice parse(String key) {
        for (DeviceChoice d : values()) {
            if (key != null && d.key().equalsIgnoreCase(key.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("device: '" + key + "' is not one of "
                + Arrays.stream(values()).map(DeviceChoice::key).collect(Collectors.joining(", ")));
    }
}
