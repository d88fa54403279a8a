package dev.berth.proxy.watch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.model.Route;
import dev.berth.model.certs.ServingCertificate;
import dev.berth.proxy.routing.RouteTable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last route table on disk, so a proxy that restarts while every controller is down still
 * routes (and serves the control plane's certificates). Writes go to a temp file that is fsynced
 * and renamed over the old one, so a crash leaves either the old table or the new one, never half
 * of one. The file holds the certificates' private keys: it is created readable by its owner only
 * (0600), and the rename keeps that mode.
 */
public final class RouteCache {
    private static final Logger log = LoggerFactory.getLogger(RouteCache.class);
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * The file's shape; {@code format} lets a later version read or refuse an older file.
     * {@code certificates} came later within format 1: a file without them reads as none, and an
     * older proxy reading a newer file ignores them.
     */
    record CacheFile(int format, long version, List<Route> routes, List<ServingCertificate> certificates) {
    }

    private final Path file;

    public RouteCache(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** The stored table, or empty when there is none or it cannot be read (logged, never thrown). */
    public Optional<RouteTable> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            CacheFile cf = JSON.readValue(file.toFile(), CacheFile.class);
            if (cf.format() != FORMAT || cf.routes() == null) {
                log.warn("ignoring route cache {}: unknown format {}", file, cf.format());
                return Optional.empty();
            }
            RouteTable table = RouteTable.of(cf.version(), cf.routes(), cf.certificates() == null ? List.of() : cf.certificates());
            log.info("loaded {} routes and {} certificates at version {} from {}", table.size(), table.certificates().size(),
                    table.version(), file);
            return Optional.of(table);
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable route cache {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Atomically replaces the stored table with {@code table}. */
    public synchronized void save(RouteTable table) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        removeStaleTempFiles(); // under the lock: never another save's live temp file
        Path tmp = Files.createTempFile(dir, tempPrefix(), ".tmp", ownerOnly(dir));
        try {
            byte[] bytes = JSON.writeValueAsBytes(new CacheFile(FORMAT, table.version(), new ArrayList<>(table.routes()),
                    new ArrayList<>(table.certificates().values())));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    /** Owner-only from creation, so the keys are never readable by others, not even for a moment. */
    private static FileAttribute<?>[] ownerOnly(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    private String tempPrefix() {
        return "." + file.getFileName() + ".";
    }

    /** Leftovers of a crash mid-write: never read (load ignores them), removed by the next save. */
    private void removeStaleTempFiles() {
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, tempPrefix() + "*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("could not clean temp files in {}", dir, e);
        }
    }

    /** Makes the rename itself durable; not every file system lets a directory be opened, so best effort. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.trace("directory fsync not supported for {}", dir);
        }
    }
}
