package dev.mqat.cli;

import dev.mqat.run.DeviceChoice;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --device}, the one option of every command that runs a network on the engine: mix in with
 * {@code @Mixin DeviceOption device;}. Without it a new training run gets {@code auto} and a command that starts from
 * a run uses the device the run records; {@code DeviceOptionTest} fails when such a command lacks it.
 */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "NAME", converter = Converter.class, description = SharedOptions.DEVICE)
    DeviceChoice device;

    /** The device asked for, or null when none was: the run's own. */
    DeviceChoice override() {
        return device;
    }

    /**
     * Refuses {@code --device} on a resumed run, which keeps the device it started on (the one its {@code config.json}
     * records) so that the record stays true.
     *
     * @throws UsageException when {@code resume} and a device was asked for
     */
    void refuseOnResume(boolean resume) {
        if (resume && device != null) {
            throw new UsageException("--device: a resumed run keeps the device it started on (\"device\" in its "
                    + "config.json); leave out --device or start a new --out");
        }
    }

    /** The device asked for, else {@link DeviceChoice#AUTO}: a new training run's. */
    DeviceChoice orAuto() {
        return device == null ? DeviceChoice.AUTO : device;
    }

    /** {@code auto}, {@code cpu} or {@code gpu}, any case. */
    static final class Converter implements ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            for (DeviceChoice d : DeviceChoice.values()) {
                if (d.key().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return d;
                }
            }
            throw new TypeConversionException("'" + value + "' is not one of "
                    + Arrays.stream(DeviceChoice.values()).map(DeviceChoice::key).collect(Collectors.joining(", ")));
        }
    }
}
