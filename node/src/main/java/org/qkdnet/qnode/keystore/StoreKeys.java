package org.qkdnet.qnode.keystore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RocksDB key layout of a station store. One tag byte per record kind, then length-prefixed
 * station ids so that prefixes never collide, then big-endian offsets so that byte order is
 * offset order.
 */
final class StoreKeys {
  static final byte[] FORMAT_VERSION = {'V'};
  static final byte[] SELF_ID = {'M'};
  private static final byte LAST_FRAME = 'L';
  private static final byte COUNTERS = 'S';
  private static final byte CHUNK = 'F';
  private static final byte RUN = 'I';
  private static final byte RESERVATION = 'R';
  /** Index of reservations still RESERVED, so recovery scans only those. */
  private static final byte PENDING = 'Q';
  private static final byte DELIVERABLE = 'D';
  /** A link's final key frames staged for a two-phase commit, not yet in the pool. */
  private static final byte STAGED_FRAME = 'P';
  /** A link's frame bytes not yet assigned to a direction, keyed by link offset. */
  private static final byte UNASSIGNED = 'U';
  /** A link's supply counters (link bytes, assignment cursor and sequence numbers). */
  private static final byte SUPPLY = 'K';
  /** Multipath: a share held at the destination until its group's other shares arrive. */
  private static final byte HELD_SHARE = 'H';
  /** When a deliverable key was stored (epoch millis), for its expiry; keyed like DELIVERABLE. */
  private static final byte STORED_AT = 'X';
  /** A link's epoch, agreed with the peer at the first audit. */
  private static final byte EPOCH = 'Y';
  /** Why a link is quarantined (present only while it is). */
  private static final byte QUARANTINE = 'Z';
  /** A link's direction assignment entries, keyed by sequence number. */
  private static final byte ASSIGNMENT = 'E';
  /** An operator's setting of this station that must survive a restart (drained, ...). */
  private static final byte ADMIN_FLAG = 'A';
  /**
   * A delivered key handed out in a dec_keys answer that was not yet known to be sent; keyed like
   * DELIVERABLE, which stays until the answer went out (then both go) or was not sent (this goes).
   */
  private static final byte HANDED_OUT = 'O';

  /** The store's data key, wrapped by the station's key-encryption key. */
  static final byte[] DATA_KEY = {'W'};

  private StoreKeys() {}

  /**
   * True for records whose value holds key material (pad chunks, unassigned and staged frames,
   * held shares, delivered keys): these are stored sealed under the data key.
   */
  static boolean isSecret(byte[] key) {
    if (key.length == 0) {
      return false;
    }
    return switch (key[0]) {
      case CHUNK, UNASSIGNED, STAGED_FRAME, HELD_SHARE, DELIVERABLE -> true;
      default -> false;
    };
  }

  /** The first byte of every key record kind (for sealing a whole store once). */
  static byte[][] secretPrefixes() {
    return new byte[][] {{CHUNK}, {UNASSIGNED}, {STAGED_FRAME}, {HELD_SHARE}, {DELIVERABLE}};
  }

  static byte[] lastFrame(String peer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(LAST_FRAME);
    writeString(out, peer);
    return out.toByteArray();
  }

  static byte[] lastFramePrefix() {
    return new byte[] {LAST_FRAME};
  }

  static String lastFramePeer(byte[] key) {
    return readString(ByteBuffer.wrap(key, 1, key.length - 1));
  }

  static byte[] stagedFramePrefix(String peer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(STAGED_FRAME);
    writeString(out, peer);
    return out.toByteArray();
  }

  static byte[] stagedFrame(String peer, long frameId) {
    return withOffset(stagedFramePrefix(peer), frameId);
  }

  static byte[] unassignedPrefix(String peer) {
    return peerPrefix(UNASSIGNED, peer);
  }

  static byte[] unassigned(String peer, long linkOffset) {
    return withOffset(unassignedPrefix(peer), linkOffset);
  }

  static byte[] heldSharePrefix() {
    return new byte[] {HELD_SHARE};
  }

  static byte[] heldShare(String groupId, int index) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(HELD_SHARE);
    writeString(out, groupId);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(index).array());
    return out.toByteArray();
  }

  static byte[] supply(String peer) {
    return peerPrefix(SUPPLY, peer);
  }

  static byte[] epoch(String peer) {
    return peerPrefix(EPOCH, peer);
  }

  static byte[] quarantine(String peer) {
    return peerPrefix(QUARANTINE, peer);
  }

  static byte[] adminFlag(String name) {
    return peerPrefix(ADMIN_FLAG, name);
  }

  static byte[] assignmentPrefix(String peer) {
    return peerPrefix(ASSIGNMENT, peer);
  }

  static byte[] assignment(String peer, long seq) {
    return withOffset(assignmentPrefix(peer), seq);
  }

  private static byte[] peerPrefix(byte tag, String peer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    writeString(out, peer);
    return out.toByteArray();
  }

  static byte[] counters(StreamId s) {
    return streamPrefix(COUNTERS, s);
  }

  static byte[] countersPrefix() {
    return new byte[] {COUNTERS};
  }

  static byte[] chunkPrefix(StreamId s) {
    return streamPrefix(CHUNK, s);
  }

  static byte[] chunk(StreamId s, long offset) {
    return withOffset(chunkPrefix(s), offset);
  }

  static byte[] runPrefix(StreamId s) {
    return streamPrefix(RUN, s);
  }

  static byte[] run(StreamId s, long start) {
    return withOffset(runPrefix(s), start);
  }

  static byte[] reservationPrefix(StreamId s) {
    return streamPrefix(RESERVATION, s);
  }

  static byte[] reservation(StreamId s, long offset) {
    return withOffset(streamPrefix(RESERVATION, s), offset);
  }

  static byte[] pending(StreamId s, long offset) {
    return withOffset(streamPrefix(PENDING, s), offset);
  }

  static byte[] pendingPrefix() {
    return new byte[] {PENDING};
  }

  static byte[] deliverable(String keyId) {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[id.length + 1];
    key[0] = DELIVERABLE;
    System.arraycopy(id, 0, key, 1, id.length);
    return key;
  }

  static byte[] storedAt(String keyId) {
    byte[] key = deliverable(keyId);
    key[0] = STORED_AT;
    return key;
  }

  static byte[] storedAtPrefix() {
    return new byte[] {STORED_AT};
  }

  static byte[] handedOut(String keyId) {
    byte[] key = deliverable(keyId);
    key[0] = HANDED_OUT;
    return key;
  }

  static byte[] handedOutPrefix() {
    return new byte[] {HANDED_OUT};
  }

  static String keyIdOf(byte[] deliverableOrStoredAtKey) {
    // also for HANDED_OUT keys: the same layout
    return new String(deliverableOrStoredAtKey, 1, deliverableOrStoredAtKey.length - 1, StandardCharsets.UTF_8);
  }

  static byte[] deliverablePrefix() {
    return new byte[] {DELIVERABLE};
  }

  /** The stream named by a counters, pending or other stream-prefixed key. */
  static StreamId streamOf(byte[] key) {
    ByteBuffer buf = ByteBuffer.wrap(key, 1, key.length - 1);
    String from = readString(buf);
    String to = readString(buf);
    return new StreamId(from, to);
  }

  /** The trailing big-endian offset of a chunk, run, reservation or pending key. */
  static long offsetOf(byte[] key) {
    return ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong();
  }

  static boolean hasPrefix(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] streamPrefix(byte tag, StreamId s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    writeString(out, s.from());
    writeString(out, s.to());
    return out.toByteArray();
  }

  static byte[] withOffset(byte[] prefix, long offset) {
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(offset).array();
  }

  static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("identifier too long to store: " + b.length + " bytes");
    }
    out.write(b.length >>> 8);
    out.write(b.length & 0xFF);
    out.write(b, 0, b.length);
  }

  static String readString(ByteBuffer buf) {
    int n = Short.toUnsignedInt(buf.getShort());
    byte[] b = new byte[n];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
