package dev.berth.cli;

import dev.berth.model.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** {@code 90s}, {@code 45m}, {@code 1h30m} on the command line; a bad one is a usage error (exit 2). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d = new ZeroAllowed().convert(value);
        if (d.isZero()) {
            throw new CommandLine.TypeConversionException("duration must be more than 0, got '" + value + "'");
        }
        return d;
    }

    /** The same, where {@code 0s} means "not at all" (a shutdown grace). */
    public static final class ZeroAllowed implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
