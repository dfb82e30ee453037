package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where each {@link DeviceChoice} runs, and an override that leaves the run's files alone. */
class DevicesTest {
    private static final Path SHIPPED = Path.of("models/wdr-cpu-synth");

    @Test
    void onAMachineWithoutGpuAutoIsTheCpuAndGpuFailsNamingTheWayOut() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        assertThat(Devices.of(DeviceChoice.AUTO)).isEqualTo(Device.cpu());
        assertThat(Devices.of(DeviceChoice.CPU)).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.of(DeviceChoice.GPU)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device gpu").hasMessageContaining("sees no GPU")
                .hasMessageContaining("--device cpu").hasMessageNotContaining("\n");
    }

    @Test
    void aModelOnAnotherDeviceKeepsEverythingElseAndItsFiles() throws Exception {
        byte[] config = Files.readAllBytes(RunConfig.file(SHIPPED));
        ModelSource stored = ModelSource.ofRun(SHIPPED);
        ModelSource onCpu = stored.onDevice(DeviceChoice.CPU);
        assertThat(stored.device()).as("the run's own").isEqualTo(DeviceChoice.AUTO);
        assertThat(onCpu.device()).as("overridden").isEqualTo(DeviceChoice.CPU);
        assertThat(onCpu.onDevice(DeviceChoice.GPU).device()).as("overridden again").isEqualTo(DeviceChoice.GPU);
        assertThat(stored.onDevice(null)).as("no override").isSameAs(stored);
        assertThat(onCpu.location()).isEqualTo(stored.location());
        assertThat(onCpu.model()).isEqualTo(stored.model());
        assertThat(onCpu.decoder()).isEqualTo(stored.decoder());
        assertThat(onCpu.output("metrics-test.json")).isEqualTo(stored.output("metrics-test.json"));
        assertThat(Files.readAllBytes(RunConfig.file(SHIPPED))).as("config.json").isEqualTo(config);
    }
}
