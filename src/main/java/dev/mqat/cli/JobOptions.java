package dev.mqat.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every command that runs a resumable job takes, last in its help: {@code --device}, {@code --resume}
 * and {@code --json}. Mix in with {@code @Mixin JobOptions job;}.
 */
final class JobOptions {
    @Mixin
    DeviceOption device;

    @Option(names = "--resume", description = SharedOptions.RESUME)
    boolean resume;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    /** Refuses {@code --device} with {@code --resume} (a resumed run keeps its device); call first in a command. */
    void check() {
        device.refuseOnResume(resume);
    }
}
