package dev.berth.controller.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.Instance;
import dev.berth.model.PortSpec;
import dev.berth.model.Protocol;
import dev.berth.model.json.BerthJson;
import java.time.Clock;
import java.time.Instant;

/**
 * An instance as the API shows it: the record's fields, plus what a person or a CTF platform
 * wants without doing arithmetic on epoch milliseconds: ISO times, seconds left, and the URL.
 */
final class InstanceView {
    private final Clock clock;

    InstanceView(Clock clock) {
        this.clock = clock;
    }

    ObjectNode render(Instance i) {
        ObjectNode n = BerthJson.json().valueToTree(i);
        n.put("createdAtIso", Instant.ofEpochMilli(i.createdAt()).toString());
        n.put("expiresAtIso", Instant.ofEpochMilli(i.expiresAt()).toString());
        n.put("remainingSeconds", Math.max(0, (i.expiresAt() - clock.millis()) / 1000));
        n.put("url", url(i));
        return n;
    }

    /** The first http port is served at the bare hostname (see InstanceRoutes); other protocols have no URL. */
    static String url(Instance i) {
        for (PortSpec p : i.ports()) {
            if (p.protocol() == Protocol.HTTP) {
                return "http://" + i.hostname() + "/";
            }
        }
        return null;
    }
}
