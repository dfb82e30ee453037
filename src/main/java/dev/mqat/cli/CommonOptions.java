package dev.mqat.cli;

import picocli.CommandLine.Option;

/** Options every command takes: mix in with {@code @Mixin CommonOptions common;}. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;
}
