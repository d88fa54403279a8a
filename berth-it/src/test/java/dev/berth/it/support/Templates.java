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
}
