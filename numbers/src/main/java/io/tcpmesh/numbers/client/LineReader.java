package io.tcpmesh.numbers.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads LF-ended US-ASCII lines of bounded length from a stream. Not thread-safe. */
final class LineReader {
    private final InputStream in;
    private final int maxLine;
    private final byte[] buffer;

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        this.buffer = new byte[maxLine];
    }

    /** The next line without its end, or null at the end of the stream before any byte of a line. */
    String readLine() throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
            if (b == '\n') {
                int end = n > 0 && buffer[n - 1] == '\r' ? n - 1 : n;
                return new String(buffer, 0, end, StandardCharsets.US_ASCII);
            }
            if (n == maxLine) {
                throw new IOException("server line longer than " + maxLine + " bytes");
            }
            buffer[n++] = (byte) b;
        }
    }
}
