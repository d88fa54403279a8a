package dev.berth.proxy.tls;

import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * One certificate ready to serve: the names it covers ({@code *.example.com} for one label),
 * its contexts (HTTPS, with ALPN; and TCP termination, without), and where it came from, for
 * logs ("file a.pem", "control plane 'web'").
 */
record ServedCertificate(String source, List<String> names, SslContext context, SslContext tcpContext) {
    ServedCertificate {
        names = List.copyOf(names);
    }

    ServedCertificate(String source, List<String> names, ServerContexts.Pair contexts) {
        this(source, names, contexts.https(), contexts.tcp());
    }
}
