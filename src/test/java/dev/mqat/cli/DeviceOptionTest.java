package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import dev.mqat.run.DeviceChoice;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --device} is one option everywhere the engine runs a network: every such command takes it (from
 * {@link DeviceOption}), parses it the same way, refuses a device it does not know as a usage error, and fails on
 * a GPU the machine does not have before it writes anything.
 */
class DeviceOptionTest {
    /** Commands that run a network on the engine: each must take {@code --device}. */
    private static final Set<String> RUN_A_NETWORK = Set.of("train", "eval", "predict", "quantize", "search",
            "compare", "calibrate-bn", "calibrate-depth");

    /** Commands that do not take {@code --device}, and why; a new command must join one of the two lists. */
    private static final Map<String, String> NO_DEVICE = Map.ofEntries(
            Map.entry("demo", "a fixed showcase: compare on the shipped model with the device that model records"),
            Map.entry("synth", "renders images; no network"),
            Map.entry("data inspect", "reads annotations; no network"),
            Map.entry("data show", "draws annotations; no network"),
            Map.entry("eval-poses", "scores a CSV of poses; no network"),
            Map.entry("model summary", "counts parameters; no forward pass"),
            Map.entry("model inspect", "reads stored weights; no forward pass"),
            Map.entry("size", "counts bytes; no forward pass"),
            Map.entry("export", "copies stored weights into a file on the CPU; no forward pass"),
            Map.entry("bench-infer", "times CPU inference against ONNX Runtime's CPU backend, by design"),
            Map.entry("doctor", "checks the engine's CPU convolutions"));

    @TempDir
    Path tmp;

    @Test
    void everyCommandThatRunsANetworkTakesDeviceOnceAndNoOtherDoes() {
        Map<String, List<OptionSpec>> devices = new TreeMap<>();
        collect(Cli.commandLine(new Main()), devices);
        List<String> unclassified = new ArrayList<>(devices.keySet());
        unclassified.removeAll(RUN_A_NETWORK);
        unclassified.removeAll(NO_DEVICE.keySet());
        assertThat(unclassified).as("commands in neither RUN_A_NETWORK nor NO_DEVICE").isEmpty();
        for (String command : RUN_A_NETWORK) {
            assertThat(devices).as("known commands").containsKey(command);
            assertThat(devices.get(command)).as("--device options of %s", command).hasSize(1);
            assertThat(devices.get(command).get(0).type()).as("type of %s --device", command)
                    .isEqualTo(DeviceChoice.class);
        }
        NO_DEVICE.keySet().forEach(command -> assertThat(devices.get(command))
                .as("--device options of %s (%s)", command, NO_DEVICE.get(command)).isEmpty());
    }

    @Test
    void helpListsDeviceOnce() {
        CommandLine root = Cli.commandLine(new Main());
        Pattern listed = Pattern.compile("(?m)^\\s+--device=NAME\\s");
        for (String command : RUN_A_NETWORK) {
            String help = root.getSubcommands().get(command).getUsageMessage();
            Matcher m = listed.matcher(help);
            int n = 0;
            while (m.find()) {
                n++;
            }
            assertThat(n).as("--device lines in the option list of '%s --help'", command).isEqualTo(1);
        }
    }

    @Test
    void anyCaseOfAKnownDeviceIsAccepted() {
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs("eval", "--model", "run", "--device",
                "GPU");
        EvalCommand eval = (EvalCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(eval.device.override()).isEqualTo(DeviceChoice.GPU);
        parsed = new CommandLine(new Main()).parseArgs("train", "--out", "run", "--device", " Cpu ");
        assertThat(((TrainCommand) parsed.subcommand().commandSpec().userObject()).job.device.orAuto())
                .isEqualTo(DeviceChoice.CPU);
        parsed = new CommandLine(new Main()).parseArgs("train", "--out", "run");
        assertThat(((TrainCommand) parsed.subcommand().commandSpec().userObject()).job.device.orAuto())
                .as("train's default").isEqualTo(DeviceChoice.AUTO);
    }

    @Test
    void anUnknownDeviceIsAUsageErrorOnOneLineNamingTheChoices() {
        for (String command : RUN_A_NETWORK) {
            Object[] r = MainTest.run(command, "--device", "tpu");
            assertThat(r[0]).as("exit code of %s --device tpu; stderr: %s", command, r[1]).isEqualTo(2);
            assertThat(((String) r[1]).strip()).as("stderr of %s --device tpu", command).doesNotContain("\n")
                    .contains("--device").contains("'tpu' is not one of auto, cpu, gpu");
        }
    }

    @Test
    void aResumedRunKeepsItsDevice() {
        for (String command : List.of("train", "quantize", "search", "compare")) {
            Object[] r = MainTest.run(command, "--out", tmp.resolve(command).toString(), "--resume", "--device", "cpu");
            assertThat(r[0]).as("exit code of %s --resume --device cpu; stderr: %s", command, r[1]).isEqualTo(2);
            assertThat(((String) r[1]).strip()).as("stderr of %s --resume --device cpu", command)
                    .doesNotContain("\n").contains("--device").contains("resumed run keeps the device");
        }
    }

    /**
     * On a machine whose engine sees no GPU, {@code --device gpu} overrides the run's {@code auto} and fails each
     * command with exit code 1 and one line, before anything is written; the run's config is not rewritten.
     */
    @Test
    void gpuWithoutOneFailsEveryCommandBeforeItWritesAnything() throws IOException {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve("checkpoints"));
        Path shipped = Path.of("models/wdr-cpu-synth");
        Files.copy(shipped.resolve("config.json"), run.resolve("config.json"));
        Files.copy(shipped.resolve("checkpoints/best.ckpt"), run.resolve("checkpoints/best.ckpt"));
        byte[] config = Files.readAllBytes(run.resolve("config.json"));
        byte[] checkpoint = Files.readAllBytes(run.resolve("checkpoints/best.ckpt"));
        assertThat(new String(config, StandardCharsets.UTF_8)).contains("\"device\" : \"auto\"");
        Path image = tmp.resolve("image.png");
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        String m = run.toString();
        List<String[]> commands = List.of(
                new String[] {"eval", "--model", m},
                new String[] {"predict", "--model", m, "--camera", "100,100,8,8", image.toString()},
                new String[] {"quantize", "--model", m, "--plan", "8-8-8", "--out", tmp.resolve("q").toString()},
                new String[] {"search", "--model", m, "--out", tmp.resolve("s").toString()},
                new String[] {"compare", "--model", m, "--out", tmp.resolve("c").toString()},
                new String[] {"calibrate-bn", "--model", m},
                new String[] {"calibrate-depth", "--model", m});
        for (String[] args : commands) {
            Object[] r = MainTest.run(Stream.concat(Arrays.stream(args), Stream.of("--device", "gpu"))
                    .toArray(String[]::new));
            assertThat(r[0]).as("exit code of %s --device gpu; stderr: %s", args[0], r[1]).isEqualTo(1);
            assertThat(((String) r[1]).strip()).as("stderr of %s --device gpu", args[0]).doesNotContain("\n")
                    .contains("device gpu").contains("sees no GPU").contains("--device cpu");
        }
        for (String out : List.of("q", "s", "c")) {
            assertThat(!Files.exists(tmp.resolve(out)) || isEmpty(tmp.resolve(out)))
                    .as("%s holds nothing after the failure", out).isTrue();
        }
        assertThat(Files.readAllBytes(run.resolve("config.json"))).as("the run's config.json").isEqualTo(config);
        assertThat(Files.readAllBytes(run.resolve("checkpoints/best.ckpt"))).as("the run's checkpoint")
                .isEqualTo(checkpoint);
        assertThat(run.resolve("predictions-test.csv")).doesNotExist();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Per leaf command (qualified name without {@code mqat }), its {@code --device} options. */
    private static void collect(CommandLine cl, Map<String, List<OptionSpec>> out) {
        if (cl.getSubcommands().isEmpty()) {
            String name = cl.getCommandSpec().qualifiedName().replaceFirst("^mqat ", "");
            out.put(name, cl.getCommandSpec().options().stream().filter(o -> List.of(o.names()).contains("--device"))
                    .toList());
            return;
        }
        cl.getSubcommands().values().forEach(sub -> collect(sub, out));
    }
}
