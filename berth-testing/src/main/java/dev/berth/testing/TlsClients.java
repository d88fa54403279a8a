package dev.berth.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** TLS clients for tests, on the JDK alone: they trust one test CA and check the served name as a browser does. */
public final class TlsClients {
    private TlsClients() {
    }

    /** A client context that trusts {@code ca} and nothing else. */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects to {@code port} on loopback with {@code sni}, offering {@code alpn} (none when empty),
     * and completes the handshake: the served certificate must be valid for {@code sni}, or this throws.
     *
     * @param timeoutMillis the socket's read timeout, for the handshake and after it
     */
    public static SSLSocket connect(SSLContext client, int port, String sni, int timeoutMillis, String... alpn) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(plain, sni, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(p);
        s.setSoTimeout(timeoutMillis);
        s.startHandshake();
        return s;
    }
}
