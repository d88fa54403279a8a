package dev.berth.cli.roles;

import dev.berth.cli.CliException;
import dev.berth.cli.ExitCodes;
import dev.berth.protocol.tls.NodeTls;
import dev.berth.protocol.tls.NodeTlsException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}: mutual TLS for Berth gRPC between
 * nodes. Used as a picocli argument group ({@code exclusive = false, multiplicity = "0..1"}), so
 * it is all three or none: picocli itself rejects one or two of them.
 */
public final class TlsOptions {
    @Option(names = "--tls-cert", required = true, paramLabel = "FILE",
            description = "This node's certificate (PEM), e.g. from `berth certs issue`.")
    Path cert;

    @Option(names = "--tls-key", required = true, paramLabel = "FILE",
            description = "This node's private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--tls-ca", required = true, paramLabel = "FILE",
            description = "The cluster CA (PEM): peers must present a certificate it signed.")
    Path ca;

    /**
     * The options as checked files, or null when none was given (plaintext).
     *
     * @throws CliException one line naming the file at fault
     */
    static NodeTls toNodeTls(TlsOptions options) {
        if (options == null) {
            return null;
        }
        try {
            return new NodeTls(options.cert, options.key, options.ca).check();
        } catch (NodeTlsException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
