package dev.berth.controller.api;

import dev.berth.model.BerthException;
import dev.berth.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks {@code Authorization: Bearer <token>} against the configured token; no token configured means open. */
final class BearerAuth {
    private static final String PREFIX = "bearer ";

    private final byte[] token;

    BearerAuth(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    void check(String authorization) {
        if (token == null) {
            return;
        }
        if (authorization == null || authorization.length() < PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new BerthException(ErrorCode.UNAUTHORIZED, "missing bearer token (send 'Authorization: Bearer <token>')");
        }
        byte[] given = authorization.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        // Constant time, so the token cannot be guessed byte by byte from response times.
        if (!MessageDigest.isEqual(token, given)) {
            throw new BerthException(ErrorCode.UNAUTHORIZED, "the bearer token is not valid");
        }
    }
}
