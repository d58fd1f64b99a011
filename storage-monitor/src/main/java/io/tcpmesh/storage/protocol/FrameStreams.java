package io.tcpmesh.storage.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** The same frames over blocking streams, for the agent's socket. */
public final class FrameStreams {
    private FrameStreams() {
    }

    /** Reads one frame; {@link EOFException} when the stream ends between frames. */
    public static Message read(InputStream in) throws IOException, FrameException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int length = MessageCodec.checkLength(data.readInt());
        byte[] body = new byte[length];
        data.readFully(body);
        return MessageCodec.fromJson(body);
    }

    public static void write(OutputStream out, Message message) throws IOException {
        ByteBuffer frame = MessageCodec.frame(message);
        out.write(frame.array(), frame.arrayOffset(), frame.remaining());
    }
}
