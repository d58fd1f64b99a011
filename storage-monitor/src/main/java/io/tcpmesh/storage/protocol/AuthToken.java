package io.tcpmesh.storage.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The shared secret an agent carries in HELLO when the collector asks for one ({@code --auth-token-file}
 * on both sides). The file holds one line of 16 to 1024 printable ASCII characters (a trailing newline is
 * ignored). Comparisons take the same time wherever the strings differ. Never printed.
 */
public final class AuthToken {
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 1024;

    private final byte[] digest;
    private final String value;

    private AuthToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** Reads the token; an {@link IllegalArgumentException} names the option and the file. */
    public static AuthToken read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--auth-token-file " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--auth-token-file " + file + ": cannot read it: " + e.getMessage());
        }
        String token = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (token.length() < MIN_LENGTH || token.length() > MAX_LENGTH || !token.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("--auth-token-file " + file + ": the token must be one line of " + MIN_LENGTH
                    + " to " + MAX_LENGTH + " printable ASCII characters without spaces");
        }
        return new AuthToken(token);
    }

    /** What goes into HELLO's {@code token}. */
    public String value() {
        return value;
    }

    /** Whether the presented token is this one, in time independent of where they differ. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthToken t && MessageDigest.isEqual(digest, t.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(digest.length);
    }

    @Override
    public String toString() {
        return "AuthToken[redacted]";
    }
}
