/**
 * The {@code mqat} command line (picocli): each command parses, calls the library, prints. No logic here.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 usage error. Nothing else imports this package.
 */
package dev.mqat.cli;
