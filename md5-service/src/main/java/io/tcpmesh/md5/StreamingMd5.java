package io.tcpmesh.md5;

import org.apache.mina.core.buffer.IoBuffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The MD5 of a stream, fed buffer by buffer; memory stays constant whatever the stream's length. Not thread-safe. */
public final class StreamingMd5 {
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest digest;
    private long length;

    public StreamingMd5() {
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** Hashes the buffer's remaining bytes without copying them, and consumes them. */
    public void update(IoBuffer buffer) {
        int n = buffer.remaining();
        if (buffer.hasArray()) {
            digest.update(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
            buffer.position(buffer.limit());
        } else {
            digest.update(buffer.buf());
        }
        length += n;
    }

    public long length() {
        return length;
    }

    /** The 32 lowercase hex digits and a newline, as sent on the wire; resets the digest. */
    public byte[] answer() {
        return (HEX.formatHex(digest.digest()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
