package dev.berth.worker.readiness;

/** One address to probe, named by the template port it stands for. */
public record ProbeTarget(String portName, String host, int port) {
    @Override
    public String toString() {
        return portName + "@" + host + ":" + port;
    }
}
