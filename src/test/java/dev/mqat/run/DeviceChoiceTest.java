package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.MqatFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code device} key of {@code config.json}: lowercase strings, old files read unchanged, bad values named. */
class DeviceChoiceTest {
    private static final Path SHIPPED = Path.of("models/wdr-cpu-synth");

    @TempDir
    Path tmp;

    @Test
    void writtenAndReadAsTheLowercaseKey() throws Exception {
        for (DeviceChoice d : DeviceChoice.values()) {
            String json = RunConfig.JSON.writeValueAsString(d);
            assertThat(json).as("JSON of %s", d).isEqualTo("\"" + d.name().toLowerCase() + "\"");
            assertThat(RunConfig.JSON.readValue(json, DeviceChoice.class)).as("read back").isEqualTo(d);
        }
        assertThat(DeviceChoice.parse(" GPU ")).isEqualTo(DeviceChoice.GPU);
        assertThatThrownBy(() -> DeviceChoice.parse("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device: 'tpu' is not one of auto, cpu, gpu");
    }

    @Test
    void theShippedRunReadsAsAutoAndWritesTheSameKey() throws Exception {
        RunConfig shipped = RunConfig.read(SHIPPED);
        assertThat(shipped.device()).isEqualTo(DeviceChoice.AUTO);
        Path copy = tmp.resolve("copy");
        shipped.write(copy);
        assertThat(Files.readString(RunConfig.file(copy))).contains("\"device\" : \"auto\"");
        assertThat(RunConfig.read(copy).device()).as("written and read again").isEqualTo(DeviceChoice.AUTO);
        assertThat(shipped.withDevice(DeviceChoice.CPU).device()).isEqualTo(DeviceChoice.CPU);
    }

    @Test
    void anUnknownDeviceInConfigJsonIsOneLineNamingTheKeyAndTheChoices() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        String text = Files.readString(RunConfig.file(SHIPPED), StandardCharsets.UTF_8);
        Files.writeString(RunConfig.file(run), text.replace("\"device\" : \"auto\"", "\"device\" : \"tpu\""));
        assertThatThrownBy(() -> RunConfig.read(run)).isInstanceOf(MqatFormatException.class)
                .hasMessage(RunConfig.file(run) + ": device: 'tpu' is not one of auto, cpu, gpu");
        Files.writeString(RunConfig.file(run), text.replaceAll(",\\s*\"device\" : \"auto\"", ""));
        assertThatThrownBy(() -> RunConfig.read(run)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("device: required, one of auto, cpu, gpu");
    }
}
