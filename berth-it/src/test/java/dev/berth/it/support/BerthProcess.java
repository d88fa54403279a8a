package dev.berth.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real `berth` process (any role), started from this test's classpath as its own JVM, with
 * its output in target/it-logs. Stopped gracefully (SIGTERM) or killed (SIGKILL).
 */
public final class BerthProcess implements AutoCloseable {
    private static final Path LOGS = Path.of("target", "it-logs");

    /** What a standalone process gets unless told otherwise. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");
    /**
     * For tests that run many nodes at once on a small machine: a small heap, the serial
     * collector (no GC threads competing for the 2 cores) and C1 only (less JIT work at start).
     */
    public static final List<String> SMALL_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final String name;
    private final List<String> jvmOptions;
    private final List<String> args;
    private final Path log;
    private Process process;

    public BerthProcess(String name, List<String> args) {
        this(name, DEFAULT_JVM_OPTIONS, args);
    }

    public BerthProcess(String name, List<String> jvmOptions, List<String> args) {
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.args = List.copyOf(args);
        this.log = LOGS.resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public List<String> args() {
        return args;
    }

    public Path log() {
        return log;
    }

    public BerthProcess start() {
        try {
            Files.createDirectories(LOGS);
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(classpath());
            cmd.add("dev.berth.cli.Berth");
            cmd.addAll(args);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    private static String classpath;

    /**
     * This test's classpath, with Berth's own jars (installed ones, from the local Maven
     * repository) replaced by private copies: a {@code mvn install} run meanwhile by someone else
     * must not swap classes under the nodes a test is running.
     */
    static synchronized String classpath() {
        if (classpath == null) {
            Path dir = Path.of("target", "it-classpath");
            List<String> entries = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(e);
                String unix = p.toAbsolutePath().toString().replace(File.separatorChar, '/');
                if (Files.isRegularFile(p) && unix.contains("/dev/berth/") && unix.endsWith(".jar")) {
                    try {
                        Files.createDirectories(dir);
                        Path copy = dir.resolve(p.getFileName());
                        Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                        entries.add(copy.toAbsolutePath().toString());
                    } catch (IOException ex) {
                        throw new UncheckedIOException("could not copy " + p, ex);
                    }
                } else {
                    entries.add(e);
                }
            }
            classpath = String.join(File.pathSeparator, entries);
        }
        return classpath;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as an operator's systemctl stop would send. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        waitFor(Duration.ofSeconds(20));
        if (process.isAlive()) {
            kill();
        }
    }

    /** SIGKILL: no shutdown hook, no goodbye to peers. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    private void waitFor(Duration d) {
        try {
            process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
