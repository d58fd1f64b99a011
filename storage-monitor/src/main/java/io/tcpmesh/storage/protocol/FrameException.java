package io.tcpmesh.storage.protocol;

/** A frame that breaks the protocol: too long, not JSON, an unknown type or version. */
public final class FrameException extends Exception {
    public FrameException(String message) {
        super(message);
    }
}
