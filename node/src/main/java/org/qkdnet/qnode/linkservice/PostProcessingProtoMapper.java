package org.qkdnet.qnode.linkservice;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.qkdnet.qnode.link.bb84.CascadeBatch;
import org.qkdnet.qnode.postprocessing.sifting.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.proto.v1.CascadeAnswer;
import org.qkdnet.qnode.proto.v1.CascadeAnswers;
import org.qkdnet.qnode.proto.v1.CascadeRound;
import org.qkdnet.qnode.proto.v1.CascadeRounds;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.SiftRequest;

/** Wire form of the post-processing messages that need more than a field copy. */
final class PostProcessingProtoMapper {
  /** Most detections one frame may announce: bounds every post-processing message (~12 MiB). */
  static final int MAX_DETECTIONS = org.qkdnet.qnode.link.bb84.BobFrame.MAX_DETECTIONS;

  private PostProcessingProtoMapper() {}

  static SiftRequest toProto(SiftingAnnouncement a) {
    ByteArrayOutputStream gaps = new ByteArrayOutputStream(a.size() * 3);
    int prev = 0;
    for (int i = 0; i < a.size(); i++) {
      int s = a.slot(i);
      writeVarint(gaps, i == 0 ? s : s - prev);
      prev = s;
    }
    return SiftRequest.newBuilder().setRawFrameId(a.frame()).setDetections(a.size())
        .setSlotGaps(ByteString.copyFrom(gaps.toByteArray()))
        .setXBasis(ByteString.copyFrom(a.xBasis().toByteArray())).build();
  }

  /** @throws IllegalArgumentException on malformed or oversized input */
  static SiftingAnnouncement fromProto(SiftRequest r) {
    int n = r.getDetections();
    if (n < 0 || n > MAX_DETECTIONS) {
      throw new IllegalArgumentException("detections " + Integer.toUnsignedString(n) + " outside 0.." + MAX_DETECTIONS);
    }
    byte[] g = r.getSlotGaps().toByteArray();
    if (n > g.length) { // every slot gap takes at least one byte: refuse before allocating
      throw new IllegalArgumentException("slot_gaps holds " + g.length + " bytes for " + n + " slots");
    }
    int[] slots = new int[n];
    int pos = 0;
    long slot = 0;
    for (int i = 0; i < n; i++) {
      long v = 0;
      int shift = 0;
      while (true) {
        if (pos >= g.length) {
          throw new IllegalArgumentException("slot_gaps ends after " + i + " of " + n + " slots");
        }
        int b = g[pos++] & 0xFF;
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
        shift += 7;
        if (shift > 35) {
          throw new IllegalArgumentException("slot gap " + i + " is not a 32-bit varint");
        }
      }
      slot = i == 0 ? v : slot + v;
      if (slot > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("slot " + i + " beyond 2^31");
      }
      slots[i] = (int) slot;
    }
    if (pos != g.length) {
      throw new IllegalArgumentException("slot_gaps has " + (g.length - pos) + " trailing bytes");
    }
    return new SiftingAnnouncement(r.getRawFrameId(), slots, bits(r.getXBasis(), n, "x_basis"));
  }

  static SiftReply toProto(SiftingReply r) {
    return SiftReply.newBuilder().setMatch(ByteString.copyFrom(r.match().toByteArray()))
        .setIntensities(ByteString.copyFrom(r.intensities())).build();
  }

  static SiftingReply fromProto(long raw, int announced, SiftReply r) {
    return new SiftingReply(raw, bits(r.getMatch(), announced, "match"), r.getIntensities().toByteArray());
  }

  /** Bits {@code [0, length)} of a packed field, refusing a field of the wrong size. */
  static BitString bits(ByteString packed, int length, String field) {
    if (length < 0 || length > MAX_DETECTIONS) {
      throw new IllegalArgumentException(field + ": length " + Integer.toUnsignedString(length) + " outside 0.."
          + MAX_DETECTIONS);
    }
    if (packed.size() != (length + 7) / 8) {
      throw new IllegalArgumentException(field + " has " + packed.size() + " bytes for " + length + " bits");
    }
    return BitString.fromBytes(packed.toByteArray(), length);
  }

  static ByteString bytes(BitString b) {
    return ByteString.copyFrom(b.toByteArray());
  }

  static ByteString bytes(org.qkdnet.qnode.postprocessing.cascade.BitString seed) {
    long[] w = seed.copyWords();
    byte[] out = new byte[(seed.length() + 7) / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (w[i >>> 3] >>> ((i & 7) * 8));
    }
    return ByteString.copyFrom(out);
  }

  /** A public seed (Toeplitz) of {@code length} bits, same byte packing as {@link #bytes}. */
  static org.qkdnet.qnode.postprocessing.cascade.BitString seed(ByteString packed, int length) {
    if (length < 0 || packed.size() != (length + 7) / 8) {
      throw new IllegalArgumentException("toeplitz_seed has " + packed.size() + " bytes for " + length + " bits");
    }
    byte[] b = packed.toByteArray();
    long[] w = new long[org.qkdnet.qnode.postprocessing.cascade.BitString.wordsFor(length)];
    for (int i = 0; i < b.length; i++) {
      w[i >>> 3] |= (long) (b[i] & 0xFF) << ((i & 7) * 8);
    }
    return org.qkdnet.qnode.postprocessing.cascade.BitString.wrap(w, length);
  }

  static CascadeRounds toProto(List<CascadeBatch.Round> rounds) {
    CascadeRounds.Builder b = CascadeRounds.newBuilder();
    for (CascadeBatch.Round r : rounds) {
      b.addRounds(CascadeRound.newBuilder().setRawFrameId(r.raw()).setQuestions(ByteString.copyFrom(r.questions())));
    }
    return b.build();
  }

  /** A received batch, checked ({@link CascadeBatch#validate}); throws IllegalArgumentException. */
  static List<CascadeBatch.Round> fromProto(CascadeRounds p) {
    CascadeBatch.checkRoundCount(p.getRoundsCount());
    List<CascadeBatch.Round> rounds = new ArrayList<>(p.getRoundsCount());
    for (CascadeRound r : p.getRoundsList()) {
      rounds.add(new CascadeBatch.Round(r.getRawFrameId(), r.getQuestions().toByteArray()));
    }
    CascadeBatch.validate(rounds);
    return rounds;
  }

  static CascadeAnswers answersToProto(List<CascadeBatch.Answer> answers) {
    CascadeAnswers.Builder b = CascadeAnswers.newBuilder();
    for (CascadeBatch.Answer a : answers) {
      b.addAnswers(CascadeAnswer.newBuilder().setRawFrameId(a.raw()).setAnswers(ByteString.copyFrom(a.answers()))
          .setError(a.error()));
    }
    return b.build();
  }

  static List<CascadeBatch.Answer> fromProto(CascadeAnswers p) {
    List<CascadeBatch.Answer> answers = new ArrayList<>(p.getAnswersCount());
    for (CascadeAnswer a : p.getAnswersList()) {
      answers.add(new CascadeBatch.Answer(a.getRawFrameId(), a.getAnswers().toByteArray(), a.getError()));
    }
    return answers;
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    int x = v;
    while ((x & ~0x7F) != 0) {
      out.write((x & 0x7F) | 0x80);
      x >>>= 7;
    }
    out.write(x);
  }
}
