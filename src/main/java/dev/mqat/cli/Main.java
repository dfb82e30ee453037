package dev.mqat.cli;

import dev.mqat.Reporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code mqat} command line. */
@Command(
        name = "mqat",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Modular quantization-aware training for 6D object pose estimation.",
        subcommands = {
            // in the order a user meets them: try it, data, train, evaluate, compress, compare, ship, maintain
            DemoCommand.class,
            SynthCommand.class,
            DataCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            EvalPosesCommand.class,
            ModelCommand.class,
            SizeCommand.class,
            QuantizeCommand.class,
            SearchCommand.class,
            CompareCommand.class,
            ExportCommand.class,
            BenchInferCommand.class,
            CalibrateBnCommand.class,
            CalibrateDepthCommand.class,
            DoctorCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; see 'mqat --help'");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code: 0 success, 1 failure, 2 usage error. */
    public static int execute(String... args) {
        Reporter.attach(System.err::println); // the library's progress and news go to the console
        return Cli.commandLine(new Main()).execute(OldSpellings.rewrite(args, System.err));
    }
}
