package dev.berth.cli;

import picocli.CommandLine.Command;

/**
 * {@code berth tls ...}: the certificates the proxies' HTTPS entrypoints serve to users, stored
 * in the control plane. A group; the work is in its subcommands. Not {@code berth certs}, which
 * makes the cluster's own CA and node certificates for mutual TLS between Berth nodes.
 */
@Command(name = "tls", mixinStandardHelpOptions = true,
        description = {"Manage the certificates the proxies serve over HTTPS (--https), stored in the control plane and"
                + " sent to every proxy.",
                "(Not `berth certs`: that makes the CA and node certificates for mutual TLS between Berth nodes.)"},
        subcommands = {TlsPutCommand.class, TlsListCommand.class, TlsGetCommand.class, TlsRemoveCommand.class})
public final class TlsCommand {
}
