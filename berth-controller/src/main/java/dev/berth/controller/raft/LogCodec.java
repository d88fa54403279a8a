package dev.berth.controller.raft;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.controller.state.ClusterSnapshot;
import dev.berth.controller.state.Command;
import dev.berth.controller.state.CommandResult;
import dev.berth.model.json.BerthJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Commands, results and snapshots as JSON: readable in a log dump, and the same mapping as the API. */
public final class LogCodec {
    private static final ObjectMapper JSON = BerthJson.json();

    private LogCodec() {
    }

    public static byte[] encode(Command command) {
        return write(command);
    }

    public static Command decodeCommand(byte[] bytes) {
        return read(bytes, Command.class);
    }

    public static byte[] encode(CommandResult result) {
        return write(result);
    }

    public static CommandResult decodeResult(byte[] bytes) {
        return read(bytes, CommandResult.class);
    }

    public static void writeSnapshot(ClusterSnapshot snapshot, OutputStream out) throws IOException {
        JSON.writeValue(out, snapshot);
    }

    public static ClusterSnapshot readSnapshot(InputStream in) throws IOException {
        return JSON.readValue(in, ClusterSnapshot.class);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
