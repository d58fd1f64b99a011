package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * One request's bytes: a block repeated up to {@code length} bytes, so a 1 GiB message needs only the block in
 * memory. Byte {@code i} of the message is {@code block[i % block.length]}.
 */
public final class Payload {
    static final int MAX_BLOCK = 64 * 1024;

    private final byte[] block;
    private final long length;
    private volatile String md5;

    Payload(byte[] block, long length) {
        if (block.length == 0) {
            throw new IllegalArgumentException("the message must not be empty");
        }
        if (length < 1) {
            throw new IllegalArgumentException("--size must be at least 1 byte, not " + length);
        }
        this.block = block.clone();
        this.length = length;
    }

    /** {@code length} printable pseudo-random bytes (the same for the same length). */
    public static Payload ofSize(long length) {
        if (length < 1) {
            throw new IllegalArgumentException("--size must be at least 1 byte, not " + length);
        }
        byte[] block = new byte[(int) Math.min(length, MAX_BLOCK)];
        Random random = new Random(length);
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) ('!' + random.nextInt(94));
        }
        return new Payload(block, length);
    }

    /** The file's bytes, sent as they are. */
    public static Payload ofFile(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new IllegalArgumentException("--message-file " + file + " is empty");
            }
            return new Payload(bytes, bytes.length);
        } catch (IOException e) {
            throw new IllegalArgumentException("--message-file " + file + " cannot be read: " + e.getMessage());
        }
    }

    public static Payload of(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new Payload(bytes, bytes.length);
    }

    public long length() {
        return length;
    }

    /** The message byte at {@code position} of the repeated stream of messages. */
    byte byteAt(long position) {
        return block[(int) (position % length % block.length)];
    }

    /**
     * Fills {@code out} with the message stream from {@code position} (positions past the end of a message
     * continue with the next message) and returns how many bytes were put.
     */
    int fill(ByteBuffer out, long position, long limit) {
        int put = 0;
        while (out.hasRemaining() && position < limit) {
            int offset = (int) (position % length % block.length);
            long leftInMessage = length - position % length;
            int n = (int) Math.min(Math.min(out.remaining(), block.length - offset), Math.min(leftInMessage, limit - position));
            out.put(block, offset, n);
            position += n;
            put += n;
        }
        return put;
    }

    /**
     * Whether {@code len} bytes of {@code buf} from {@code off} are the message stream at {@code position};
     * returns the index in buf of the first wrong byte, or -1 when all match.
     */
    int mismatch(byte[] buf, int off, int len, long position) {
        int checked = 0;
        while (checked < len) {
            long p = position + checked;
            int offset = (int) (p % length % block.length);
            long leftInMessage = length - p % length;
            int n = (int) Math.min(Math.min(len - checked, block.length - offset), leftInMessage);
            int at = java.util.Arrays.mismatch(buf, off + checked, off + checked + n, block, offset, offset + n);
            if (at >= 0) {
                return off + checked + at;
            }
            checked += n;
        }
        return -1;
    }

    /** The MD5 of one message in lowercase hex, computed once. */
    public String md5() {
        String digest = md5;
        if (digest == null) {
            digest = computeMd5();
            md5 = digest;
        }
        return digest;
    }

    private String computeMd5() {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            long left = length;
            while (left > 0) {
                int n = (int) Math.min(left, block.length);
                md.update(block, 0, n);
                left -= n;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }
}
