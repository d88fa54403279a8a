package dev.berth.cli;

import dev.berth.cli.client.ApiClient;
import picocli.CommandLine.Option;

/**
 * Where the API is and how to authenticate, mixed into each client command rather than inherited
 * from {@code berth}: node roles have options of their own (a controller's API token, say) that
 * must not clash with these.
 */
public final class ApiOptions {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:BERTH_API:-http://127.0.0.1:7070}",
            description = "Berth API address (env BERTH_API; default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BERTH_TOKEN}",
            description = "API bearer token (env BERTH_TOKEN, which keeps it out of the process list).")
    String token;

    public ApiClient client() {
        if (api == null || !(api.startsWith("http://") || api.startsWith("https://"))) {
            throw new CliException(ExitCodes.USAGE, "--api must be an http:// or https:// URL, got '" + api + "'");
        }
        try {
            return new ApiClient(api, token);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--api is not a valid URL: '" + api + "'");
        }
    }
}
