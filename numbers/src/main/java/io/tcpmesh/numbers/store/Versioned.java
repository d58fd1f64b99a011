package io.tcpmesh.numbers.store;

/** A record as read, with the version a conditional write must name. */
public record Versioned(SessionRecord record, int version) {
}
