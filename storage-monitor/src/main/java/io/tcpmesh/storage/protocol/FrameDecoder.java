package io.tcpmesh.storage.protocol;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.CumulativeProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.apache.mina.filter.codec.ProtocolDecoderOutput;

/**
 * Cuts the byte stream into frames and reads each into a {@link Message}. An oversized length is
 * refused from its header alone, before any of its body is buffered.
 */
public final class FrameDecoder extends CumulativeProtocolDecoder {
    @Override
    protected boolean doDecode(IoSession session, IoBuffer in, ProtocolDecoderOutput out) throws Exception {
        if (in.remaining() < MessageCodec.HEADER) {
            return false;
        }
        int start = in.position();
        int length;
        try {
            length = MessageCodec.checkLength(in.getInt(start));
        } catch (FrameException e) {
            in.position(in.limit());
            throw new ProtocolDecoderException(e.getMessage(), e);
        }
        if (in.remaining() < MessageCodec.HEADER + length) {
            return false;
        }
        in.skip(MessageCodec.HEADER);
        byte[] body = new byte[length];
        in.get(body);
        try {
            out.write(MessageCodec.fromJson(body));
        } catch (FrameException e) {
            throw new ProtocolDecoderException(e.getMessage(), e);
        }
        return true;
    }
}
