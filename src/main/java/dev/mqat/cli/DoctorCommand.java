package dev.mqat.cli;

import dev.mqat.model.ConvGradientCheck;
import dev.mqat.model.EngineInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks that the tensor engine loads offline, prints what it found, and checks its convolution gradients. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that the Java runtime and the PyTorch engine work and that the engine computes correct "
                + "convolution gradients. Checks the Java runtime and the PyTorch engine (loads offline; prints versions, devices, threads,"
                + " cache folder), then check the engine's convolutions against float64: output and input, weight and"
                + " bias gradients for the channel counts and the network shapes mqat uses, at 1 and 2 threads.",
            "Prints 'gradients ok', or one line naming the shape that disagrees and exits with 1."})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        System.out.println("java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        System.out.println("cores     " + Runtime.getRuntime().availableProcessors());
        EngineInfo info = EngineInfo.load();
        System.out.println("engine    " + info.engineName() + " " + info.engineVersion());
        System.out.println("devices   " + String.join(", ", info.devices()));
        System.out.println("threads   intra-op " + info.intraOpThreads() + ", inter-op " + info.interOpThreads());
        System.out.println("cache     " + info.cacheDir());
        System.out.println("offline   " + info.offline());
        long start = System.nanoTime();
        List<ConvGradientCheck.ConvCase> cases = ConvGradientCheck.doctorCases();
        Optional<ConvGradientCheck.Failure> failure = ConvGradientCheck.firstFailure(cases, 1, 2);
        if (failure.isPresent()) {
            System.out.println("gradients WRONG: " + failure.get().describe());
            return 1;
        }
        System.out.println(String.format(Locale.ROOT, "gradients ok (%d convolutions at 1 and 2 threads against float64, %.1f s)",
                cases.size(), (System.nanoTime() - start) / 1e9));
        return 0;
    }
}
