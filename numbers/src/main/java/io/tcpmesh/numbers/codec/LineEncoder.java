package io.tcpmesh.numbers.codec;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolEncoderAdapter;
import org.apache.mina.filter.codec.ProtocolEncoderOutput;

import java.nio.charset.StandardCharsets;

/** Encodes a {@link WireLine} (or a String) as its US-ASCII bytes and a line feed. */
public final class LineEncoder extends ProtocolEncoderAdapter {
    @Override
    public void encode(IoSession session, Object message, ProtocolEncoderOutput out) {
        String line = message instanceof WireLine m ? m.line() : message.toString();
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        IoBuffer buffer = IoBuffer.allocate(bytes.length + 1);
        buffer.put(bytes).put((byte) '\n').flip();
        out.write(buffer);
    }
}
