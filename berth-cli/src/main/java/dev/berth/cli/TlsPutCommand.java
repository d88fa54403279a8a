package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth tls put NAME --cert CHAIN.pem --key KEY.pem}: stores or replaces a serving certificate. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Store a certificate for the proxies' HTTPS entrypoints under NAME, or replace the one there.",
                "Every proxy serves it, by SNI, to the names it covers (wildcards included) within a moment;"
                        + " connections already open keep theirs."})
public final class TlsPutCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "What to call it (lower-case letters, digits, '-'), e.g. wildcard-ctf.")
    String name;

    @Option(names = "--cert", required = true, paramLabel = "CHAIN.pem",
            description = "The certificate chain (PEM): the server's certificate first, then its intermediates.")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "KEY.pem",
            description = "Its private key (PEM, unencrypted; RSA or EC; PKCS#8, PKCS#1 or SEC1).")
    Path key;

    @Mixin
    OutputOption output;

    @Override
    protected int run(ApiClient api) {
        String chain = PemFile.read(cert, PemFile.Kind.CERTIFICATE);
        String privateKey = PemFile.read(key, PemFile.Kind.KEY);
        JsonNode stored;
        try {
            stored = api.put("/certificates/" + ApiClient.segment(name), Map.of("certificate", chain, "key", privateKey));
        } catch (ApiException e) {
            throw namingTheFile(e);
        }
        if (output.json()) {
            OutputOption.printJson(out(), stored);
        } else {
            out().println("certificate " + name + " stored: serves " + String.join(", ", TlsText.names(stored))
                    + " until " + stored.path("notAfterIso").asText() + " (sha256 " + stored.path("fingerprint").asText() + ")");
        }
        return ExitCodes.OK;
    }

    /** The API says "certificate: ..." or "key: ..."; the user knows them as the files they gave. */
    private ApiException namingTheFile(ApiException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("certificate: ")) {
            return new ApiException(e.status(), e.code(), cert + ": " + m.substring("certificate: ".length()));
        }
        if (m.startsWith("key: ")) {
            return new ApiException(e.status(), e.code(), key + ": " + m.substring("key: ".length()));
        }
        return e;
    }
}
