package io.tcpmesh.numbers.codec;

import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFactory;
import org.apache.mina.filter.codec.ProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolEncoder;

/** The numbers protocol's line codec: lines in of at most {@code maxLine} bytes, Strings out as lines. */
public final class LineCodecFactory implements ProtocolCodecFactory {
    private final LineEncoder encoder = new LineEncoder();
    private final LineDecoder decoder;

    public LineCodecFactory(int maxLine) {
        this.decoder = new LineDecoder(maxLine);
    }

    @Override
    public ProtocolEncoder getEncoder(IoSession session) {
        return encoder;
    }

    @Override
    public ProtocolDecoder getDecoder(IoSession session) {
        return decoder;
    }
}
