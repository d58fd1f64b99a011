package io.tcpmesh.proxy.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What a connection reads and writes through: the socket itself, or TLS over it ({@link TlsWire}). Non-blocking,
 * like the channel: {@code read} and {@code write} return what they could do now.
 */
interface Wire {
    /** Bytes read into {@code dst}, 0 for none now, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Bytes taken from {@code src}, 0 for none now. */
    int write(ByteBuffer src) throws IOException;

    /** Ends the write side (a FIN, or TLS close_notify); reading goes on. Idempotent. */
    void shutdownOutput() throws IOException;

    /** Whether bytes were decoded that the socket will not signal again: read before waiting for the selector. */
    default boolean bufferedInput() {
        return false;
    }

    /** Whether bytes already taken wait to be written to the socket (the connection must ask for OP_WRITE). */
    default boolean pendingOutput() {
        return false;
    }

    /** Writes what waits; true when nothing is left. */
    default boolean flush() throws IOException {
        return true;
    }

    /** The socket as it is. */
    static Wire plain(SocketChannel channel) {
        return new Wire() {
            private boolean shut;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return channel.write(src);
            }

            @Override
            public void shutdownOutput() throws IOException {
                if (!shut) {
                    shut = true;
                    channel.shutdownOutput();
                }
            }
        };
    }
}
