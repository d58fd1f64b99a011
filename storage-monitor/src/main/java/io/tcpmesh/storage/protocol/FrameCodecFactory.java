package io.tcpmesh.storage.protocol;

import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFactory;
import org.apache.mina.filter.codec.ProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolEncoder;

/** The storage protocol codec for a MINA filter chain: one decoder per session (it buffers), one shared encoder. */
public final class FrameCodecFactory implements ProtocolCodecFactory {
    private final FrameEncoder encoder = new FrameEncoder();

    @Override
    public ProtocolEncoder getEncoder(IoSession session) {
        return encoder;
    }

    @Override
    public ProtocolDecoder getDecoder(IoSession session) {
        return new FrameDecoder();
    }
}
