package io.tcpmesh.storage.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.tcpmesh.coordination.LogText;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fields each message type must carry, with their JSON types and ranges; checked before a body is
 * read into its record, so nothing is coerced ({@code 1.5} or {@code "1"} is not a sequence number).
 * Fields not listed are ignored.
 */
final class MessageSchema {
    private enum Kind { INTEGER, NUMBER, STRING, BOOLEAN, THREADS, CHUNK_STATS }

    private record Field(String name, Kind kind, boolean optional, long min, long max) {
        static Field integer(String name, long min, long max) {
            return new Field(name, Kind.INTEGER, false, min, max);
        }

        static Field of(String name, Kind kind) {
            return new Field(name, kind, false, Long.MIN_VALUE, Long.MAX_VALUE);
        }
    }

    private static final Field SEQ = Field.integer("seq", 1, Long.MAX_VALUE);
    private static final Field AT = Field.integer("at", 0, Long.MAX_VALUE);
    private static final Map<MessageType, List<Field>> FIELDS = new EnumMap<>(MessageType.class);

    static {
        FIELDS.put(MessageType.HELLO, List.of(string("agent"), new Field("run", Kind.STRING, true, 0, 0), string("host"),
                Field.integer("pid", 0, Long.MAX_VALUE), new Field("expect", Kind.INTEGER, true, 0, Integer.MAX_VALUE)));
        FIELDS.put(MessageType.WELCOME, List.of(string("run"), string("collector")));
        FIELDS.put(MessageType.ACK, List.of(SEQ));
        FIELDS.put(MessageType.ERROR, List.of(string("message")));
        FIELDS.put(MessageType.START, List.of(SEQ, AT, count("chunkSize", 1), count("fileSize", 1), integer("writers", 1),
                count("runtimeMs", 1), Field.integer("heartbeatMs", MessageCodec.MIN_PERIOD_MS, MessageCodec.MAX_PERIOD_MS),
                Field.integer("monitorMs", MessageCodec.MIN_PERIOD_MS, MessageCodec.MAX_PERIOD_MS), string("dir"),
                Field.of("calibratedBytesPerSecond", Kind.NUMBER)));
        FIELDS.put(MessageType.ROLLOVER, List.of(SEQ, AT, integer("writer", 0), integer("fileIndex", 0), string("file"),
                any("bytes"), any("chunks"), any("elapsedMs")));
        FIELDS.put(MessageType.MONITOR, List.of(SEQ, AT, any("intervalMs"), any("bytes"), any("totalBytes"), any("cpuMs"),
                any("totalCpuMs"), any("heapUsed"), any("heapMax"), any("rss"), any("droppedSamples")));
        FIELDS.put(MessageType.HEARTBEAT, List.of(SEQ, AT, Field.of("threads", Kind.THREADS), any("droppedSamples")));
        FIELDS.put(MessageType.STOP, List.of(SEQ, AT, string("reason"), any("elapsedMs"), any("bytes"), any("files"),
                any("rollovers"), any("chunks"), Field.of("chunkMicros", Kind.CHUNK_STATS), any("totalCpuMs"),
                any("droppedSamples")));
    }

    private static final List<Field> THREAD = List.of(string("name"), Field.of("alive", Kind.BOOLEAN),
            Field.of("progressing", Kind.BOOLEAN));
    private static final List<Field> CHUNK_STATS = List.of(any("count"), any("min"), any("mean"), any("p50"), any("p90"),
            any("p99"), any("max"));

    private MessageSchema() {
    }

    private static Field string(String name) {
        return Field.of(name, Kind.STRING);
    }

    /** Any integer that fits 64 bits. */
    private static Field any(String name) {
        return Field.integer(name, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static Field count(String name, long min) {
        return Field.integer(name, min, Long.MAX_VALUE);
    }

    private static Field integer(String name, long min) {
        return Field.integer(name, min, Integer.MAX_VALUE);
    }

    /** Throws naming the first field that is missing or of the wrong type or range. */
    static void check(MessageType type, JsonNode body) throws FrameException {
        check(FIELDS.get(type), body, "");
    }

    private static void check(List<Field> fields, JsonNode object, String prefix) throws FrameException {
        for (Field f : fields) {
            JsonNode value = object.get(f.name());
            String name = prefix + f.name();
            if (value == null || value.isNull()) {
                if (f.optional()) {
                    continue;
                }
                throw new FrameException(value == null ? "missing " + name : name + " cannot be null");
            }
            checkValue(f, value, name);
        }
    }

    private static void checkValue(Field f, JsonNode value, String name) throws FrameException {
        switch (f.kind()) {
            case INTEGER -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < f.min() || value.longValue() > f.max()) {
                    throw new FrameException(name + " must be an integer " + range(f) + ", not " + shown(value));
                }
            }
            case NUMBER -> require(value.isNumber(), name + " must be a number, not " + shown(value));
            case STRING -> require(value.isTextual(), name + " must be a string, not " + shown(value));
            case BOOLEAN -> require(value.isBoolean(), name + " must be true or false, not " + shown(value));
            case THREADS -> {
                require(value.isArray(), name + " must be an array, not " + shown(value));
                for (int i = 0; i < value.size(); i++) {
                    require(value.get(i).isObject(), name + "[" + i + "] must be an object, not " + shown(value.get(i)));
                    check(THREAD, value.get(i), name + "[" + i + "].");
                }
            }
            case CHUNK_STATS -> {
                require(value.isObject(), name + " must be an object, not " + shown(value));
                check(CHUNK_STATS, value, name + ".");
            }
        }
    }

    private static String range(Field f) {
        if (f.min() == Long.MIN_VALUE) {
            return "of 64 bits";
        }
        if (f.max() == Long.MAX_VALUE) {
            return "of at least " + f.min();
        }
        return "from " + f.min() + " to " + f.max();
    }

    private static void require(boolean ok, String error) throws FrameException {
        if (!ok) {
            throw new FrameException(error);
        }
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return LogText.escape(text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
