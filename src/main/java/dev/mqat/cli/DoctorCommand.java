package dev.mqat.cli;

import dev.mqat.model.EngineInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks that the tensor engine loads offline and prints what it found. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the Java runtime and the PyTorch engine (loads offline; prints versions, devices, threads, cache folder).")
final class DoctorCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Override
    public void run() {
        System.out.println("java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        System.out.println("cores     " + Runtime.getRuntime().availableProcessors());
        EngineInfo info = EngineInfo.load();
        System.out.println("engine    " + info.engineName() + " " + info.engineVersion());
        System.out.println("devices   " + String.join(", ", info.devices()));
        System.out.println("threads   intra-op " + info.intraOpThreads() + ", inter-op " + info.interOpThreads());
        System.out.println("cache     " + info.cacheDir());
        System.out.println("offline   " + info.offline());
        System.out.println("ok");
    }
}
