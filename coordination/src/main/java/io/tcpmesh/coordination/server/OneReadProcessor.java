package io.tcpmesh.coordination.server;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;

import java.util.concurrent.Executor;

/**
 * A MINA I/O processor that stops reading a socket after a short read, and that applies a read
 * suspension or resumption asked for by another thread on its own thread, at once.
 *
 * <p>Short reads: MINA reads a socket until a read returns nothing: after every short read comes one
 * more read() system call that only answers EAGAIN. With small messages that is a third of a server's
 * system calls. A short read means the socket's receive queue was empty when it was read, so this
 * processor stops there; anything that arrived since makes the (level-triggered) selector report the
 * socket again, and an end of stream is read on that next round. A full buffer still reads on, as MINA
 * does. Measured on the proxy: 64-byte echo from 0.73x to 0.91x HAProxy's rate (docs/benchmarks/proxy.md).
 *
 * <p>Traffic control: MINA's {@code suspendRead()}/{@code resumeRead()} change the selection key's interest
 * set on the calling thread. From another thread that change waits for the selector's next select,
 * which MINA bounds by one second, so a resumed session can sit unread for up to a second; and the
 * read-modify-write of the interest set races with the I/O thread's own changes. Here a change asked for
 * by a foreign thread is queued to this processor, which wakes its selector and applies it on its own
 * thread from the session's current flags.
 */
public class OneReadProcessor extends NioProcessor {
    /** The buffer of the read in progress when its last read was short; only this processor's thread. */
    private IoBuffer shortRead;
    /** The thread that runs this processor's select loop; set by the loop itself. */
    private volatile Thread ioThread;

    public OneReadProcessor(Executor executor) {
        super(executor);
    }

    @Override
    protected int read(NioSession session, IoBuffer buf) throws Exception {
        if (buf == shortRead) {
            shortRead = null;
            return 0;
        }
        int n = super.read(session, buf);
        shortRead = n > 0 && buf.hasRemaining() ? buf : null;
        return n;
    }

    @Override
    protected int select(long timeout) throws Exception {
        ioThread = Thread.currentThread();
        return super.select(timeout);
    }

    @Override
    protected int select() throws Exception {
        ioThread = Thread.currentThread();
        return super.select();
    }

    @Override
    public void updateTrafficControl(NioSession session) {
        if (Thread.currentThread() == ioThread) {
            super.updateTrafficControl(session);
        } else {
            updateTrafficMask(session); // queued; the loop calls this method again, on its own thread
        }
    }
}
