package io.tcpmesh.echo;

import io.tcpmesh.coordination.server.OneReadProcessor;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.transport.socket.nio.NioSession;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The master port's I/O processor: checks the session's {@link MasterPortFence} right before every
 * socket write, the last moment before bytes leave the process. A write queued while the lease held
 * and flushed after it lapsed (the process was frozen in between) is therefore never sent.
 */
public final class FencedProcessor extends OneReadProcessor {
    public FencedProcessor(Executor executor) {
        super(executor);
    }

    @Override
    protected int write(NioSession session, IoBuffer buf, int length) throws IOException {
        if (session.getAttribute(MasterPortFence.FENCE) instanceof MasterPortFence fence && !fence.admits(session, "flush")) {
            throw new IOException("master port lease lapsed: not sending " + length + " bytes");
        }
        return super.write(session, buf, length);
    }
}
