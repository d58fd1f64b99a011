package io.tcpmesh.numbers.codec;

/** A message of the numbers protocol: one line on the wire. */
public interface WireLine {
    /** The line, without its line feed. */
    String line();
}
