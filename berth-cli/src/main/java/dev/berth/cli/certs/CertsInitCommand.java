package dev.berth.cli.certs;

import dev.berth.cli.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth certs init}: a new private CA, {@code ca.crt} and {@code ca.key}. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create the cluster's CA: DIR/ca.crt and DIR/ca.key (ECDSA P-256, self-signed).",
                "Give ca.crt to every node as --tls-ca. Keep ca.key (mode 0600) where certificates are issued, not on the nodes."})
final class CertsInitCommand extends CertsSubcommand {
    @Option(names = "--name", defaultValue = "Berth CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    protected int run() {
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1, got " + days);
        }
        Path cert = dir.resolve(CertFiles.CA_CERT);
        Path key = dir.resolve(CertFiles.CA_KEY);
        CertFiles.ensureDir(dir);
        CertFiles.refuseExisting(force, cert, key);
        CertificateAuthority ca = CertificateAuthority.create(name, Duration.ofDays(days));
        // key first: a ca.crt without its key would look usable and is not
        CertFiles.writeKey(key, CertificateAuthority.Pem.privateKey(ca.key()));
        CertFiles.writeCertificate(cert, CertificateAuthority.Pem.certificate(ca.certificate()));
        out().printf("wrote %s (CA \"%s\", until %s) and %s (mode 0600)%n", cert, name,
                ca.certificate().getNotAfter().toInstant(), key);
        out().printf("next: berth certs issue --dir %s --name controller-1 --role controller --san <host or IP workers dial>%n", dir);
        out().flush();
        return ExitCodes.OK;
    }
}
