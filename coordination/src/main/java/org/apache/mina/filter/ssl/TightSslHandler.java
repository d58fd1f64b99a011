package org.apache.mina.filter.ssl;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.util.concurrent.Executor;

/**
 * MINA 2.2's non-blocking SSL handler with buffers sized to what one call of the engine needs.
 *
 * <p>It lives in MINA's package because the handler it refines is package-private; tcpmesh's
 * {@code io.tcpmesh.coordination.tls.TlsFilter} creates it in place of MINA's own. Only the two buffer
 * sizes differ, and the handshake keeps MINA's sizing:
 * <ul>
 *   <li>MINA encrypts each outgoing buffer with one {@code wrap} per destination buffer, and one {@code wrap}
 *       produces at most one TLS record, yet it allocated 2 to 8 records' worth ({@code getPacketBufferSize}
 *       each, about 16.7 KB): 33 KB for a 64-byte message, 134 KB per 16 KB record of a bulk stream. Here,
 *       once the handshake is done: exactly one {@code getPacketBufferSize}, the least the JDK's engine
 *       accepts for a {@code wrap}.</li>
 *   <li>MINA decrypts with one {@code unwrap} per destination buffer, and one {@code unwrap} decodes one
 *       record, whose plaintext is shorter than its ciphertext; it allocated a whole
 *       {@code getApplicationBufferSize} (16 KB) at least, whatever arrived. Here: what arrived plus 256
 *       bytes, at most {@code getApplicationBufferSize}. A record only partly arrived is kept for the next
 *       read whether the engine calls the buffer short or the input incomplete (MINA looks only at what
 *       was consumed).</li>
 * </ul>
 * On a proxy echoing 64-byte messages over TLS that cut the allocation from about 50 KB to 17 KB per
 * round trip, and the young collections with it (docs/benchmarks/proxy-tls.md).
 */
public final class TightSslHandler extends SSLHandlerG1 {
    private static final int UNWRAP_SLACK = 256;

    public TightSslHandler(SSLEngine engine, Executor executor, IoSession session) {
        super(engine, executor, session);
    }

    @Override
    protected IoBuffer allocate_encode_buffer(int estimate) {
        if (!mHandshakeComplete) {
            return super.allocate_encode_buffer(estimate);
        }
        return IoBuffer.allocate(session().getPacketBufferSize());
    }

    @Override
    protected IoBuffer allocate_app_buffer(int estimate) {
        if (!mHandshakeComplete) {
            return super.allocate_app_buffer(estimate);
        }
        int most = session().getApplicationBufferSize();
        return IoBuffer.allocate((int) Math.min(most, (long) estimate + UNWRAP_SLACK));
    }

    private SSLSession session() {
        SSLSession s = mEngine.getHandshakeSession();
        return s != null ? s : mEngine.getSession();
    }
}
