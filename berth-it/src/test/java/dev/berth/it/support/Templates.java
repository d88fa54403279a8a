package dev.berth.it.support;

/** Template bodies the end-to-end tests use, on the offline example image. */
public final class Templates {
    private Templates() {
    }

    public static String whoami(String name, String defaultTtl, String maxTtl) {
        return """
                {"name":"%s","image":"berth/whoami:latest",
                 "ports":[{"name":"web","containerPort":8080,"protocol":"http"}],
                 "env":{"FLAG":"flag{${instance.id}}"},
                 "resources":{"memory":"64m","cpus":0.25,"pids":64},
                 "ttl":{"default":"%s","max":"%s"},
                 "readiness":{"port":"web","httpPath":"/","timeout":"30s"}}
                """.formatted(name, defaultTtl, maxTtl);
    }

    /** A raw TCP echo service (busybox nc running cat per connection). */
    public static String tcpEcho(String name) {
        return """
                {"name":"%s","image":"berth/whoami:latest","command":["nc","-ll","-p","9000","-e","cat"],
                 "ports":[{"name":"echo","containerPort":9000,"protocol":"tcp"}],
                 "resources":{"memory":"32m","cpus":0.25,"pids":32},
                 "ttl":{"default":"30m","max":"2h"},
                 "readiness":{"port":"echo","timeout":"30s"}}
                """.formatted(name);
    }

    /** The TCP echo service behind a PROXY protocol header ({@code v1} or {@code v2}): it echoes the header too. */
    public static String tcpEchoWithProxyProtocol(String name, String version) {
        return tcpEcho(name).replace("\"protocol\":\"tcp\"", "\"protocol\":\"tcp\",\"proxyProtocol\":\"" + version + "\"");
    }

    /** The TCP echo service with {@code tls: terminate}: reached by SNI through the proxy's TLS entrypoint too. */
    public static String tcpEchoTerminatingTls(String name) {
        return tcpEcho(name).replace("\"protocol\":\"tcp\"", "\"protocol\":\"tcp\",\"tls\":\"terminate\"");
    }
}
