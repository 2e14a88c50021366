package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.cascade.CascadeCodec;
import org.qkdnet.qnode.postprocessing.cascade.ParityAnswers;
import org.qkdnet.qnode.postprocessing.cascade.ParityQuestions;
import org.qkdnet.qnode.proto.v1.AssignmentsAck;
import org.qkdnet.qnode.proto.v1.CascadeAnswers;
import org.qkdnet.qnode.proto.v1.CascadeRounds;
import org.qkdnet.qnode.proto.v1.RelayAck;
import org.qkdnet.qnode.proto.v1.RelayHop;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.SiftRequest;

/**
 * Issue 10 item 7: every decoder of a neighbour's LinkService message, fed truncated, oversized,
 * altered and random input, either decodes or refuses with IllegalArgumentException, never
 * another exception, a huge allocation or a hang. Seeded, so a failure repeats.
 */
class WireDecodersFuzzTest {
  private static final int CASES = 2_000;

  /** Runs {@code decode}; anything but success or IllegalArgumentException fails the test. */
  private static void clean(String what, Runnable decode) {
    try {
      decode.run();
    } catch (IllegalArgumentException expected) {
      // a clean refusal
    } catch (Throwable t) {
      throw new AssertionError(what + " failed with " + t, t);
    }
  }

  private static List<byte[]> mutations(byte[] valid, Random rnd) {
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < valid.length; n++) {
      out.add(java.util.Arrays.copyOf(valid, n)); // every truncation
    }
    for (int i = 0; i < CASES; i++) {
      byte[] m = valid.clone();
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips && m.length > 0; f++) {
        m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
      }
      out.add(m);
      byte[] r = new byte[rnd.nextInt(64)];
      rnd.nextBytes(r);
      out.add(r);
    }
    return out;
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      o.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    o.write((int) v);
    return o.toByteArray();
  }

  @Test
  void cascadeQuestionsAndAnswers() {
    Random rnd = new Random(7);
    byte[] q = CascadeCodec.encode(new ParityQuestions(42, 3, new int[] {1, 64, 2, 128}, new int[] {1, 0, 64, 2, 64, 192}));
    byte[] a = CascadeCodec.encode(new ParityAnswers(42, 3, 70, new long[] {-1L, 0x3FL}));
    assertThat(CascadeCodec.decodeQuestions(q).ranges()).hasSize(6);
    for (byte[] m : mutations(q, rnd)) {
      clean("decodeQuestions", () -> CascadeCodec.decodeQuestions(m));
    }
    for (byte[] m : mutations(a, rnd)) {
      clean("decodeAnswers", () -> CascadeCodec.decodeAnswers(m));
    }
    // a count near 2^62 used to pass the size check by overflow and allocate ~1.2 GB
    for (long huge : new long[] {1L << 62, (1L << 62) + 1, Long.MAX_VALUE / 2, (1L << 61) + 3, Integer.MAX_VALUE}) {
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      o.write(q[0]);
      o.writeBytes(java.util.Arrays.copyOfRange(q, 1, 9)); // frame id
      o.writeBytes(varint(3));
      o.writeBytes(varint(huge));
      o.writeBytes(new byte[16]);
      byte[] m = o.toByteArray();
      assertThatThrownBy(() -> CascadeCodec.decodeQuestions(m)).as("count %d", huge)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entries");
    }
  }

  @Test
  void siftingMessages() {
    Random rnd = new Random(8);
    for (int i = 0; i < CASES; i++) {
      byte[] gaps = new byte[rnd.nextInt(40)];
      rnd.nextBytes(gaps);
      byte[] x = new byte[rnd.nextInt(40)];
      rnd.nextBytes(x);
      int detections = switch (rnd.nextInt(4)) {
        case 0 -> rnd.nextInt(64);
        case 1 -> PostProcessingProtoMapper.MAX_DETECTIONS;
        case 2 -> rnd.nextInt();
        default -> Integer.MAX_VALUE;
      };
      SiftRequest r = SiftRequest.newBuilder().setRawFrameId(rnd.nextLong()).setDetections(detections)
          .setSlotGaps(ByteString.copyFrom(gaps)).setXBasis(ByteString.copyFrom(x)).build();
      clean("SiftRequest", () -> PostProcessingProtoMapper.fromProto(r));
      SiftReply reply = SiftReply.newBuilder().setMatch(ByteString.copyFrom(x)).setIntensities(ByteString.copyFrom(gaps))
          .build();
      clean("SiftReply", () -> PostProcessingProtoMapper.fromProto(1, detections, reply));
      clean("toeplitz seed", () -> PostProcessingProtoMapper.seed(ByteString.copyFrom(x), detections));
    }
  }

  @Test
  void protobufMessagesFromRandomBytes() {
    Random rnd = new Random(9);
    for (int i = 0; i < CASES; i++) {
      byte[] b = new byte[rnd.nextInt(200)];
      rnd.nextBytes(b);
      clean("RelayHop", () -> parse(() -> RelayProtoMapper.fromProto(RelayHop.parseFrom(b))));
      clean("RelayAck", () -> parse(() -> RelayProtoMapper.fromProto(RelayAck.parseFrom(b))));
      clean("CascadeRounds", () -> parse(() -> PostProcessingProtoMapper.fromProto(CascadeRounds.parseFrom(b))));
      clean("CascadeAnswers", () -> parse(() -> PostProcessingProtoMapper.fromProto(CascadeAnswers.parseFrom(b))));
      clean("AssignmentsAck", () -> parse(() -> AssignmentProtoMapper.fromProto(AssignmentsAck.parseFrom(b))));
      clean("SiftRequest bytes", () -> parse(() -> PostProcessingProtoMapper.fromProto(SiftRequest.parseFrom(b))));
    }
  }

  private interface Parse {
    Object run() throws InvalidProtocolBufferException;
  }

  /** gRPC refuses bytes that are not a message before any mapper sees them: the same here. */
  private static void parse(Parse p) {
    try {
      p.run();
    } catch (InvalidProtocolBufferException e) {
      // not a message at all
    }
  }
}
