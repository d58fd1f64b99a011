package io.tcpmesh.proxy;

import org.apache.mina.core.buffer.IoBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies of every byte a client has sent to a connection, up to a bound, so that they can be sent again to
 * another target. Not thread-safe: {@link ProxyConnection} guards it with its lock.
 */
final class ReplayBuffer {
    private final int limit;
    private final ArrayDeque<IoBuffer> copies = new ArrayDeque<>();
    private int bytes;

    ReplayBuffer(int limit) {
        this.limit = limit;
    }

    /** Keeps a copy of the buffer's remaining bytes; false (and nothing kept) once the bound is passed. */
    boolean keep(IoBuffer buf) {
        int n = buf.remaining();
        if (bytes + n > limit) {
            copies.clear();
            bytes = -1;
            return false;
        }
        IoBuffer copy = IoBuffer.allocate(n);
        copy.put(buf.duplicate()).flip();
        copies.add(copy);
        bytes += n;
        return true;
    }

    int bytes() {
        return bytes;
    }

    /** Fresh buffers over the kept bytes, in order; the copies stay for a later replay. */
    List<IoBuffer> replay() {
        List<IoBuffer> out = new ArrayList<>(copies.size());
        for (IoBuffer c : copies) {
            out.add(c.duplicate());
        }
        return out;
    }
}
