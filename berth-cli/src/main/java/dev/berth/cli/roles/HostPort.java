package dev.berth.cli.roles;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** {@code host:port} options; a clear error for anything else. */
public final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {

    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public InetSocketAddress convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    public static String text(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
