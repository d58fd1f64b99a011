package io.tcpmesh.storage.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames and JSON of the storage protocol: a 4-byte big-endian length, then that many bytes of UTF-8
 * JSON holding {@code "v":1}, {@code "type"} and the message's fields. Thread-safe.
 */
public final class MessageCodec {
    public static final int VERSION = 1;
    /** The largest JSON body a frame may carry. */
    public static final int MAX_FRAME = 64 * 1024;
    public static final int HEADER = 4;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MessageCodec() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** The JSON body of a message, without the length header. */
    public static byte[] toJson(Message message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", VERSION);
        node.put("type", message.type().name());
        node.setAll((ObjectNode) JSON.valueToTree(message));
        try {
            byte[] body = JSON.writeValueAsBytes(node);
            if (body.length > MAX_FRAME) {
                throw new IllegalArgumentException(message.type() + " message of " + body.length + " bytes exceeds the frame limit " + MAX_FRAME);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.type(), e);
        }
    }

    /** A whole frame: header and body. */
    public static ByteBuffer frame(Message message) {
        byte[] body = toJson(message);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length);
        frame.putInt(body.length).put(body).flip();
        return frame;
    }

    /** Checks a frame length read from a header. */
    public static int checkLength(int length) throws FrameException {
        if (length <= 0) {
            throw new FrameException("frame length " + length + " is not positive");
        }
        if (length > MAX_FRAME) {
            throw new FrameException("frame of " + length + " bytes exceeds the limit of " + MAX_FRAME);
        }
        return length;
    }

    /** Reads one JSON body; throws naming what is wrong with it. */
    public static Message fromJson(byte[] body) throws FrameException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new FrameException("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new FrameException("frame is not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.canConvertToInt() || v.asInt() != VERSION) {
            throw new FrameException("unsupported protocol version " + v + " (this side speaks " + VERSION + ")");
        }
        String typeName = node.path("type").asText("");
        MessageType type = MessageType.named(typeName)
                .orElseThrow(() -> new FrameException("unknown message type '" + typeName + "'"));
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        fields.remove("v");
        fields.remove("type");
        try {
            return JSON.treeToValue(fields, type.javaType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new FrameException("bad " + type + " message: " + firstLine(e.getMessage()));
        }
    }

    public static String toText(Message message) {
        return new String(toJson(message), StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
