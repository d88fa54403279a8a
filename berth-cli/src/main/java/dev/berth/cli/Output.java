package dev.berth.cli;

import java.util.Locale;
import picocli.CommandLine;

/** {@code --output text} for people, {@code --output json} for scripts. */
public enum Output {
    TEXT, JSON;

    /** Case-insensitive, whatever the CommandLine was configured with. */
    public static final class Converter implements CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            try {
                return Output.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
            }
        }
    }
}
