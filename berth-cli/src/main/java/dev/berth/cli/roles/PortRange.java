package dev.berth.cli.roles;

import picocli.CommandLine;

/** {@code first-last}, e.g. {@code 31000-31999}: the proxy ports handed to raw TCP instance ports. */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range must be first-last within 1-65535, got " + first + "-" + last);
        }
    }

    public static PortRange parse(String text) {
        String[] parts = text.split("-");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port range first-last (e.g. 31000-31999), got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }

    public static final class Converter implements CommandLine.ITypeConverter<PortRange> {
        @Override
        public PortRange convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
