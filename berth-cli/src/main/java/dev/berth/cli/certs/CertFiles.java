package dev.berth.cli.certs;

import dev.berth.cli.CliException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The files of a certs directory: {@code ca.crt}, {@code ca.key}, {@code <name>.crt},
 * {@code <name>.key}. Keys are written mode 0600, certificates 0644, each through a temporary
 * file renamed into place, so a reader never sees half a file and a key is never readable by others.
 */
final class CertFiles {
    static final String CA_CERT = "ca.crt";
    static final String CA_KEY = "ca.key";

    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private CertFiles() {
    }

    /** Creates the directory (mode 0700) if it is missing; an existing one is left as it is. */
    static void ensureDir(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (posix(dir.toAbsolutePath().getParent())) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CliException(dir + " exists and is not a directory");
        } catch (IOException e) {
            throw new CliException("cannot create " + dir + ": " + e.getMessage());
        }
    }

    /** Fails before anything is written if any target exists and may not be replaced. */
    static void refuseExisting(boolean force, Path... targets) {
        if (force) {
            return;
        }
        for (Path t : targets) {
            if (Files.exists(t)) {
                throw new CliException(t + " already exists; pass --force to replace it");
            }
        }
    }

    static void writeKey(Path target, String pem) {
        write(target, pem, KEY_MODE);
    }

    static void writeCertificate(Path target, String pem) {
        write(target, pem, CERT_MODE);
    }

    private static void write(Path target, String text, Set<PosixFilePermission> mode) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            boolean posix = posix(dir);
            // created 0600 whatever the umask, so a key is never readable by others, not even briefly
            tmp = posix ? Files.createTempFile(dir, ".berth-certs-", ".tmp", PosixFilePermissions.asFileAttribute(KEY_MODE))
                    : Files.createTempFile(dir, ".berth-certs-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            if (posix) {
                Files.setPosixFilePermissions(tmp, mode);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write " + target + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static boolean posix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static X509Certificate readCertificate(Path file) {
        String text = readText(file);
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new CliException(file + ": no PEM certificate in it");
            }
            return (X509Certificate) certs.iterator().next();
        } catch (CertificateException e) {
            throw new CliException(file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    static PrivateKey readPrivateKey(Path file) {
        String text = readText(file);
        try (Reader r = new StringReader(text); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (IOException e) {
            throw new CliException(file + ": not a PEM private key (" + e.getMessage() + ")");
        }
        throw new CliException(file + ": no unencrypted PEM private key in it");
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new CliException(file + ": not readable (permission denied)");
        } catch (IOException e) {
            throw new CliException(file + ": not readable (" + e.getMessage() + ")");
        }
    }
}
