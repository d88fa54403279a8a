package dev.berth.proxy.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on logger {@code dev.berth.proxy.access} (key=value pairs, so
 * any log pipeline can parse it). Disabled unless the config turns it on.
 */
final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("dev.berth.proxy.access");
    private final boolean enabled;

    AccessLog(boolean enabled) {
        this.enabled = enabled && log.isInfoEnabled();
    }

    boolean enabled() {
        return enabled;
    }

    void log(String entrypoint, String client, String method, String host, String uri, int status, long bytesOut, long micros,
             String instance, String backend) {
        if (enabled) {
            log.info("entrypoint={} client={} method={} host={} uri=\"{}\" status={} bytes={} duration_us={} instance={} backend={}",
                    entrypoint, client, method, host, sanitize(uri), status, bytesOut, micros,
                    instance == null ? "-" : instance, backend == null ? "-" : backend);
        }
    }

    private static String sanitize(String s) {
        if (s == null) {
            return "-";
        }
        String cut = s.length() > 512 ? s.substring(0, 512) : s;
        return cut.replace("\"", "%22").replace("\n", "%0A").replace("\r", "%0D");
    }
}
