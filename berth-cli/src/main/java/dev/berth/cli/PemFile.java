package dev.berth.cli;

import dev.berth.model.certs.ServingCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a PEM file for {@code berth tls put}, catching locally what is plainly the wrong file
 * (missing, huge, not PEM, certificate and key swapped) so the error names the file. Whether the
 * certificate and key are valid and belong together is the API's to say.
 */
final class PemFile {
    /** What a file must hold to be worth sending. */
    enum Kind {
        CERTIFICATE("certificate chain", "--cert"), KEY("private key", "--key");

        final String what;
        final String option;

        Kind(String what, String option) {
            this.what = what;
            this.option = option;
        }
    }

    private PemFile() {
    }

    static String read(Path file, Kind kind) {
        long size;
        String text;
        try {
            size = Files.size(file);
            if (size > ServingCertificates.MAX_PEM_BYTES) {
                throw new CliException(file + ": is " + size + " bytes; a PEM " + kind.what + " is a few KiB (the limit is "
                        + ServingCertificates.MAX_PEM_BYTES / 1024 + " KiB)");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (IOException e) {
            throw new CliException(file + ": cannot read it: " + e.getMessage());
        }
        boolean hasCertificate = text.contains("-----BEGIN CERTIFICATE-----");
        boolean hasKey = text.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*");
        if (!text.contains("-----BEGIN ")) {
            throw new CliException(file + ": not PEM (no -----BEGIN line); " + kind.option + " takes a PEM " + kind.what);
        }
        if (kind == Kind.CERTIFICATE && !hasCertificate && hasKey) {
            throw new CliException(file + ": holds a private key, not a certificate (--cert and --key swapped?)");
        }
        if (kind == Kind.KEY && !hasKey && hasCertificate) {
            throw new CliException(file + ": holds a certificate, not a private key (--cert and --key swapped?)");
        }
        return text;
    }
}
