package dev.berth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The docker CLI, for what a test does behind Berth's back and for checking what really runs. */
public final class Docker {
    private Docker() {
    }

    public static String run(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "docker";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("docker " + Arrays.toString(args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ids of running and stopped containers carrying the label. */
    public static List<String> containers(String label) {
        String out = run("ps", "-aq", "--no-trunc", "--filter", "label=" + label);
        return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
    }

    public static List<String> runningContainers(String label) {
        String out = run("ps", "-q", "--no-trunc", "--filter", "label=" + label);
        return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
    }

    public static String inspect(String container, String format) {
        return run("inspect", "-f", format, container);
    }

    /** Removes every container of a test's worker, whatever the test left behind. */
    public static void removeWorkerContainers(String workerId) {
        List<String> ids = containers("berth.worker=" + workerId);
        if (!ids.isEmpty()) {
            String[] args = new String[ids.size() + 2];
            args[0] = "rm";
            args[1] = "-f";
            for (int i = 0; i < ids.size(); i++) {
                args[i + 2] = ids.get(i);
            }
            run(args);
        }
    }
}
