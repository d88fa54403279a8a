package dev.berth.protocol.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a node certificate says its holder runs: the subject's OU, as {@code berth certs issue
 * --role} writes it. A controller lets a certificate call only the services of its role, so a
 * stolen proxy key cannot register a worker. A certificate without a Berth role in its OU (issued
 * without {@code --role}, or by another PKI) carries no restriction.
 */
public enum NodeRole {
    CONTROLLER, WORKER, PROXY;

    /** The role in {@code cert}'s subject OU, if it names one. */
    public static Optional<NodeRole> of(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) {
                    Optional<NodeRole> role = named(String.valueOf(rdn.getValue()));
                    if (role.isPresent()) {
                        return role;
                    }
                }
            }
        } catch (InvalidNameException e) {
            // An RFC 2253 name from the JDK always parses; nothing to restrict if it does not.
        }
        return Optional.empty();
    }

    /** The role of the peer that presented its certificate in {@code session}, if it names one. */
    public static Optional<NodeRole> ofPeer(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private static Optional<NodeRole> named(String ou) {
        for (NodeRole r : values()) {
            if (r.name().equalsIgnoreCase(ou.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
