package dev.berth.cli.certs;

import dev.berth.cli.CliException;
import dev.berth.cli.ExitCodes;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth certs issue}: a node's key and certificate, signed by the CA in the same directory. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a node's key and certificate, signed by the CA in DIR.",
                "Writes DIR/NAME.crt and DIR/NAME.key (PEM, PKCS#8, mode 0600), usable as TLS server and client",
                "(extended key usage serverAuth and clientAuth). A controller's --san must name every address",
                "workers and proxies dial it by (IP or DNS name): they check it."})
final class CertsIssueCommand extends CertsSubcommand {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @Option(names = "--name", required = true, description = "The node's name: certificate CN and file names, e.g. controller-1.")
    String name;

    @Option(names = "--san", paramLabel = "IP|DNS",
            description = "A subject alternative name, repeatable: an IP address (127.0.0.11, ::1) or a DNS name (ctl-1.example.com); IP:/DNS: prefixes force the type.")
    List<String> sans = new ArrayList<>();

    @Option(names = "--role", description = "What the node runs: ${COMPLETION-CANDIDATES} (recorded as the subject's OU).")
    CertificateAuthority.Role role;

    @Option(names = "--days", defaultValue = "365", description = "Validity in days, never past the CA's (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    protected int run() {
        if (!NAME.matcher(name).matches() || name.equals("ca")) {
            throw new IllegalArgumentException("--name " + name + ": use letters, digits, '.', '_' and '-' (not 'ca'), at most 64");
        }
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1, got " + days);
        }
        CertificateAuthority.altNames(sans); // bad SANs fail before any file is read or written
        Path caCert = dir.resolve(CertFiles.CA_CERT);
        Path caKey = dir.resolve(CertFiles.CA_KEY);
        CertificateAuthority ca = loadCa(caCert, caKey);
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        CertFiles.refuseExisting(force, cert, key);

        CertificateAuthority.Issued issued = ca.issue(name, role, sans, Duration.ofDays(days));
        CertFiles.writeKey(key, issued.keyPem());
        CertFiles.writeCertificate(cert, issued.certificatePem());
        X509Certificate c = issued.certificate();
        out().printf("wrote %s (%s, SANs %s, until %s) and %s (mode 0600)%n", cert, c.getSubjectX500Principal().getName(),
                sans.isEmpty() ? "none" : String.join(", ", sans), c.getNotAfter().toInstant(), key);
        out().printf("use: --tls-cert %s --tls-key %s --tls-ca %s%n", cert, key, caCert);
        if (role == CertificateAuthority.Role.controller && sans.isEmpty()) {
            err().println("warning: a controller certificate without --san: workers and proxies check the address they dial"
                    + " against its SANs and will refuse it");
        }
        if (c.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(days)).minus(Duration.ofDays(1)))) {
            err().println("warning: shortened to the CA's own end, " + c.getNotAfter().toInstant());
        }
        out().flush();
        err().flush();
        return ExitCodes.OK;
    }

    private static CertificateAuthority loadCa(Path caCert, Path caKey) {
        if (!java.nio.file.Files.exists(caCert) && !java.nio.file.Files.exists(caKey)) {
            throw new CliException("no CA in " + caCert.getParent() + " (" + caCert.getFileName() + ", " + caKey.getFileName()
                    + "); make one with: berth certs init --dir " + caCert.getParent());
        }
        X509Certificate cert = CertFiles.readCertificate(caCert);
        var key = CertFiles.readPrivateKey(caKey);
        if (!CertificateAuthority.matches(key, cert.getPublicKey())) {
            throw new CliException(caKey + ": not the key of " + caCert);
        }
        if (cert.getBasicConstraints() < 0) {
            throw new CliException(caCert + ": not a CA certificate");
        }
        if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
            throw new CliException(caCert + ": the CA expired on " + cert.getNotAfter().toInstant() + "; make a new one with berth certs init");
        }
        return new CertificateAuthority(cert, key);
    }
}
