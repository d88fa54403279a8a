package dev.berth.protocol.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's identity for mutual TLS between Berth nodes (DESIGN.md, "Nodes talk gRPC over mutual
 * TLS"): its certificate chain, its private key and the CA every node's certificate must be
 * signed by. All three are PEM files; the key is unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * as {@code berth certs issue} writes it.
 *
 * <p>The files are read, and checked against each other, each time credentials are built: a
 * missing or unreadable file, a key that is not the certificate's, a certificate that the CA
 * did not sign or that has expired all fail with a one-line {@link NodeTlsException} naming the
 * file. There is no reload: a node picks up new files when it restarts.
 *
 * @param certChain  this node's certificate, then any intermediates (PEM)
 * @param privateKey this node's private key (PEM, PKCS#8)
 * @param trustedCa  the CA certificate(s) peers' certificates must chain to (PEM); nothing else is trusted
 */
public record NodeTls(Path certChain, Path privateKey, Path trustedCa) {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final Pattern PEM_BLOCK = Pattern.compile("(?s)-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----");

    public NodeTls {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trustedCa, "trustedCa");
    }

    /** How the credentials will be used: which extended key usage the certificate needs. */
    private enum Use {
        SERVER("TLS server", SERVER_AUTH, "serverAuth"),
        CLIENT("TLS client", CLIENT_AUTH, "clientAuth"),
        ANY(null, null, null);

        final String what;
        final String eku;
        final String ekuName;

        Use(String what, String eku, String ekuName) {
            this.what = what;
            this.eku = eku;
            this.ekuName = ekuName;
        }
    }

    /** The files as read and checked: PEM re-encoded from what was parsed, so gRPC gets exactly that. */
    private record Material(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas) {
        byte[] chainPem() {
            return certsPem(chain);
        }

        byte[] keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        byte[] caPem() {
            return certsPem(cas);
        }
    }

    /**
     * Reads the three files and checks them against each other now, so a node fails at startup
     * rather than at its first connection.
     *
     * @return this
     * @throws NodeTlsException naming the file at fault
     */
    public NodeTls check() {
        load(Use.ANY);
        return this;
    }

    /**
     * Server credentials: this node's certificate, and a client certificate REQUIRED of every
     * peer, signed by the trusted CA; a peer without one, or with another CA's, fails the handshake.
     *
     * @throws NodeTlsException naming the file at fault
     */
    public ServerCredentials serverCredentials() {
        Material m = load(Use.SERVER);
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(new ByteArrayInputStream(m.chainPem()), new ByteArrayInputStream(m.keyPem()))
                    .trustManager(new ByteArrayInputStream(m.caPem()))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams: not expected
        }
    }

    /**
     * Channel credentials: presents this node's certificate and trusts only the CA (not the JDK's
     * or the system's roots). The server's certificate must also name the address dialled (a DNS
     * or IP subject alternative name), as gRPC verifies the host.
     *
     * @throws NodeTlsException naming the file at fault
     */
    public ChannelCredentials channelCredentials() {
        Material m = load(Use.CLIENT);
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(new ByteArrayInputStream(m.chainPem()), new ByteArrayInputStream(m.keyPem()))
                    .trustManager(new ByteArrayInputStream(m.caPem()))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Netty gRPC server on {@code address} with {@link #serverCredentials()}. */
    public NettyServerBuilder serverBuilder(SocketAddress address) {
        return NettyServerBuilder.forAddress(address, serverCredentials());
    }

    /** A Netty gRPC channel to {@code host:port} with {@link #channelCredentials()}. */
    public NettyChannelBuilder channelBuilder(String host, int port) {
        return NettyChannelBuilder.forAddress(host, port, channelCredentials());
    }

    /** One line for logs: whose certificate, until when, and which CA file. */
    public String describe() {
        Material m = load(Use.ANY);
        X509Certificate leaf = m.chain().get(0);
        return leaf.getSubjectX500Principal().getName() + " (until " + leaf.getNotAfter().toInstant()
                + "), trusting " + trustedCa;
    }

    // ---- reading and checking ----

    private Material load(Use use) {
        List<X509Certificate> chain = readCertificates(certChain, "TLS certificate");
        List<X509Certificate> cas = readCertificates(trustedCa, "TLS CA certificate");
        X509Certificate leaf = chain.get(0);
        checkDates(leaf, certChain, "TLS certificate");
        for (X509Certificate ca : cas) {
            checkDates(ca, trustedCa, "TLS CA certificate");
        }
        PrivateKey key = readPrivateKey(leaf);
        checkKeyMatches(key, leaf);
        checkIssuedByCa(chain, cas);
        if (use.eku != null) {
            checkExtendedKeyUsage(leaf, use);
        }
        return new Material(chain, key, cas);
    }

    private static byte[] read(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new NodeTlsException(file, what + " " + file + ": is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NodeTlsException(file, what + " " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new NodeTlsException(file, what + " " + file + ": not readable (permission denied)", e);
        } catch (IOException e) {
            throw new NodeTlsException(file, what + " " + file + ": not readable (" + e.getMessage() + ")", e);
        }
        if (bytes.length == 0) {
            throw new NodeTlsException(file, what + " " + file + ": is empty");
        }
        return bytes;
    }

    private static List<PemBlock> pemBlocks(byte[] bytes) {
        List<PemBlock> blocks = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(new String(bytes, StandardCharsets.US_ASCII));
        while (m.find()) {
            blocks.add(new PemBlock(m.group(1), m.group(2)));
        }
        return blocks;
    }

    private record PemBlock(String type, String base64) {
        byte[] der() {
            return Base64.getMimeDecoder().decode(base64);
        }
    }

    private static List<X509Certificate> readCertificates(Path file, String what) {
        List<PemBlock> blocks = pemBlocks(read(file, what));
        if (blocks.stream().anyMatch(b -> b.type().endsWith("PRIVATE KEY"))) {
            throw new NodeTlsException(file, what + " " + file + ": holds a private key, not a certificate (files swapped?)");
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (PemBlock b : blocks) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new NodeTlsException(file, what + " " + file + ": not a valid PEM certificate (" + oneLine(e) + ")", e);
        }
        if (certs.isEmpty()) {
            throw new NodeTlsException(file, what + " " + file + ": no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
        }
        return certs;
    }

    private static void checkDates(X509Certificate cert, Path file, String what) {
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new NodeTlsException(file, what + " " + file + ": " + subject(cert) + " expired on "
                    + cert.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new NodeTlsException(file, what + " " + file + ": " + subject(cert) + " is not valid before "
                    + cert.getNotBefore().toInstant() + " (now " + Instant.now() + ": clock?)", e);
        }
    }

    private PrivateKey readPrivateKey(X509Certificate leaf) {
        String what = "TLS private key";
        List<PemBlock> blocks = pemBlocks(read(privateKey, what));
        PemBlock pkcs8 = null;
        for (PemBlock b : blocks) {
            switch (b.type()) {
                case "PRIVATE KEY" -> pkcs8 = pkcs8 == null ? b : pkcs8;
                case "ENCRYPTED PRIVATE KEY" -> throw new NodeTlsException(privateKey, what + " " + privateKey
                        + ": is encrypted; Berth needs an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt)");
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> throw new NodeTlsException(privateKey,
                        what + " " + privateKey + ": is " + b.type().replace(" PRIVATE KEY", "")
                                + "-specific PEM; Berth needs PKCS#8 (BEGIN PRIVATE KEY): openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
                default -> {
                }
            }
        }
        if (pkcs8 == null) {
            String found = blocks.isEmpty() ? "no PEM block"
                    : blocks.stream().anyMatch(b -> b.type().equals("CERTIFICATE")) ? "a certificate, not a key (files swapped?)"
                    : "only " + blocks.get(0).type();
            throw new NodeTlsException(privateKey, what + " " + privateKey + ": no PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----) in it; found " + found);
        }
        String algorithm = leaf.getPublicKey().getAlgorithm();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8.der()));
        } catch (InvalidKeySpecException | IllegalArgumentException e) {
            throw new NodeTlsException(privateKey, what + " " + privateKey + ": not a valid " + algorithm
                    + " PKCS#8 key, so it cannot be the key of " + certChain + " (" + oneLine(e) + ")", e);
        } catch (GeneralSecurityException e) {
            throw new NodeTlsException(privateKey, what + " " + privateKey + ": cannot read " + algorithm + " keys (" + oneLine(e) + ")", e);
        }
    }

    private void checkKeyMatches(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (leaf.getPublicKey().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return; // an exotic key type: the TLS handshake will tell
        }
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (InvalidKeyException e) {
            matches = false;
        } catch (GeneralSecurityException e) {
            return;
        }
        if (!matches) {
            throw new NodeTlsException(privateKey, "TLS private key " + privateKey + ": does not match the certificate in "
                    + certChain + " (" + subject(leaf) + ")");
        }
    }

    private void checkIssuedByCa(List<X509Certificate> chain, List<X509Certificate> cas) {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : cas) {
            anchors.add(new TrustAnchor(ca, null));
        }
        // The path to validate: the chain as given, less any certificate that is itself trusted.
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (cas.contains(c)) {
                break;
            }
            path.add(c);
        }
        if (path.isEmpty()) {
            return; // this node's certificate is itself one of the trusted ones
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(new Date());
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            String why = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED ? "a certificate in the chain has expired"
                    : e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID ? "a certificate in the chain is not valid yet"
                    : "not signed by " + (cas.size() == 1 ? subject(cas.get(0)) : "any of its " + cas.size() + " CAs");
            throw new NodeTlsException(certChain, "TLS certificate " + certChain + ": " + subject(chain.get(0))
                    + " does not chain to the CA in " + trustedCa + " (" + why + ")", e);
        } catch (GeneralSecurityException e) {
            throw new NodeTlsException(trustedCa, "TLS CA certificate " + trustedCa + ": unusable as a trust anchor (" + oneLine(e) + ")", e);
        }
    }

    private void checkExtendedKeyUsage(X509Certificate leaf, Use use) {
        List<String> ekus;
        try {
            ekus = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new NodeTlsException(certChain, "TLS certificate " + certChain + ": unreadable extended key usage (" + oneLine(e) + ")", e);
        }
        if (ekus != null && !ekus.contains(use.eku) && !ekus.contains(ANY_EKU)) {
            throw new NodeTlsException(certChain, "TLS certificate " + certChain + ": " + subject(leaf)
                    + " cannot be a " + use.what + ": its extended key usage lacks " + use.ekuName);
        }
    }

    // ---- helpers ----

    private static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }

    private static byte[] certsPem(List<X509Certificate> certs) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                out.append(new String(pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
