package dev.berth.cli.certs;

import picocli.CommandLine.Command;

/**
 * {@code berth certs ...}: the private CA and node certificates for mutual TLS between Berth
 * nodes (docs/operations.md, "Mutual TLS between nodes"). A group; the work is in its subcommands.
 * Not the certificates users see: those are {@code berth tls} (stored in the control plane).
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Make the CA and node certificates for mutual TLS between controllers, workers and proxies.",
                "(The certificates the proxies serve to users over HTTPS are `berth tls`.)"},
        subcommands = {CertsInitCommand.class, CertsIssueCommand.class})
public final class CertsCommand {
}
