package org.qkdnet.qnode.postprocessing.cascade;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;

/**
 * Compact byte encoding of the Cascade messages, for any transport. Integers are LEB128
 * varints; range starts are zigzag deltas from the previous start, ends are lengths, so a
 * binary-search question costs about 4–6 bytes. Parity bits are packed 8 per byte.
 */
public final class CascadeCodec {
  private static final byte QUESTIONS = 1;
  private static final byte ANSWERS = 2;

  private CascadeCodec() {}

  public static byte[] encode(ParityQuestions q) {
    Out out = new Out(16 + q.passStarts().length * 3 + q.ranges().length * 2);
    out.write(QUESTIONS);
    out.fixed64(q.frameId());
    out.varint(q.round());
    out.varint(q.passStartCount());
    for (int v : q.passStarts()) {
      out.varint(v);
    }
    int[] r = q.ranges();
    out.varint(q.rangeCount());
    long prevStart = 0;
    for (int i = 0; i < r.length; i += 3) {
      out.varint(r[i]);
      long d = (long) r[i + 1] - prevStart;
      out.varint((d << 1) ^ (d >> 63));
      out.varint((long) r[i + 2] - r[i + 1]);
      prevStart = r[i + 1];
    }
    return out.toByteArray();
  }

  public static ParityQuestions decodeQuestions(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      expectKind(in, QUESTIONS);
      long frameId = in.getLong();
      int round = toInt(varint(in), "round");
      int nStarts = count(varint(in), 2, in);
      int[] starts = new int[nStarts * 2];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = toInt(varint(in), "pass start");
      }
      int nRanges = count(varint(in), 3, in);
      int[] ranges = new int[nRanges * 3];
      long prevStart = 0;
      for (int i = 0; i < ranges.length; i += 3) {
        ranges[i] = toInt(varint(in), "pass");
        long z = varint(in);
        long start = prevStart + ((z >>> 1) ^ -(z & 1));
        long end = start + varint(in);
        ranges[i + 1] = toInt(start, "range start");
        ranges[i + 2] = toInt(end, "range end");
        prevStart = start;
      }
      expectEnd(in);
      return new ParityQuestions(frameId, round, starts, ranges);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated parity questions message", e);
    }
  }

  public static byte[] encode(ParityAnswers a) {
    Out out = new Out(16 + a.count() / 8);
    out.write(ANSWERS);
    out.fixed64(a.frameId());
    out.varint(a.round());
    out.varint(a.count());
    int nBytes = (a.count() + 7) >>> 3;
    long[] w = a.bits();
    for (int i = 0; i < nBytes; i++) {
      out.write((int) (w[i >>> 3] >>> ((i & 7) << 3)));
    }
    return out.toByteArray();
  }

  public static ParityAnswers decodeAnswers(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      expectKind(in, ANSWERS);
      long frameId = in.getLong();
      int round = toInt(varint(in), "round");
      int count = toInt(varint(in), "bit count");
      int nBytes = (int) ((count + 7L) >>> 3);
      if (nBytes > in.remaining()) {
        throw new IllegalArgumentException("parity answers message announces " + count
            + " bits but holds only " + in.remaining() + " bytes");
      }
      long[] w = new long[BitString.wordsFor(count)];
      for (int i = 0; i < nBytes; i++) {
        w[i >>> 3] |= (in.get() & 0xFFL) << ((i & 7) << 3);
      }
      if ((count & 63) != 0 && w.length > 0 && (w[w.length - 1] >>> (count & 63)) != 0) {
        throw new IllegalArgumentException("parity answers message has bits set past its count");
      }
      expectEnd(in);
      return new ParityAnswers(frameId, round, count, w);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated parity answers message", e);
    }
  }

  private static void expectKind(ByteBuffer in, byte kind) {
    byte k = in.get();
    if (k != kind) {
      throw new IllegalArgumentException("expected Cascade message kind " + kind + ", got " + k);
    }
  }

  private static void expectEnd(ByteBuffer in) {
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(
          "Cascade message has " + in.remaining() + " trailing bytes");
    }
  }

  private static int count(long v, int per, ByteBuffer in) {
    // every element takes at least one byte per int, so a count beyond the rest is a lie; divide
    // rather than multiply: a count near 2^62 must not wrap round to a small product
    if (v < 0 || v > in.remaining() / per) {
      throw new IllegalArgumentException("Cascade message announces " + v
          + " entries but holds only " + in.remaining() + " bytes");
    }
    return (int) v;
  }

  private static int toInt(long v, String what) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " out of range in Cascade message: " + v);
    }
    return (int) v;
  }

  private static long varint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes in Cascade message");
  }

  /** An unsynchronized growable byte buffer (ByteArrayOutputStream locks on every byte). */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void write(int b) {
      if (size == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      buf[size++] = (byte) b;
    }

    void fixed64(long v) {
      for (int i = 7; i >= 0; i--) {
        write((int) (v >>> (8 * i)));
      }
    }

    void varint(long v) {
      if (buf.length - size < 10) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2 + 10);
      }
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, size);
    }
  }
}
