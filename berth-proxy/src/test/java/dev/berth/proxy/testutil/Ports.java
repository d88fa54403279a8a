package dev.berth.proxy.testutil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

public final class Ports {
    private Ports() {
    }

    /** A loopback port nothing listens on (bound and released; connecting to it is refused). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
