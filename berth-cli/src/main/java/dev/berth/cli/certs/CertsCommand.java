package dev.berth.cli.certs;

import picocli.CommandLine.Command;

/**
 * {@code berth certs ...}: the private CA and node certificates for mutual TLS between Berth
 * nodes (docs/operations.md, "Mutual TLS between nodes"). A group; the work is in its subcommands.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Make the CA and node certificates for mutual TLS between controllers, workers and proxies.",
        subcommands = {CertsInitCommand.class, CertsIssueCommand.class})
public final class CertsCommand {
}
