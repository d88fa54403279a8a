package dev.berth.model.certs;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The host names a server certificate is valid for, as clients check them (RFC 6125): its DNS
 * subject alternative names, or, only when it has none, its subject's common name. Lower-case;
 * {@code *.example.com} stays a wildcard, which covers exactly one label.
 */
public final class CertificateNames {
    private static final int SAN_DNS = 2;

    private CertificateNames() {
    }

    public static List<String> of(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate: unreadable subject alternative names (" + PemPrivateKeys.oneLine(e) + ")", e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(SAN_DNS).equals(san.get(0))) {
                    names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                throw new IllegalArgumentException("certificate: unreadable subject (" + PemPrivateKeys.oneLine(e) + ")", e);
            }
        }
        return new ArrayList<>(names);
    }
}
