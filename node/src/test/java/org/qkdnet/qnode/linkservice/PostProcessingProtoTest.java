package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.link.bb84.CascadeBatch;
import org.qkdnet.qnode.postprocessing.sifting.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.proto.v1.CascadeAnswers;
import org.qkdnet.qnode.proto.v1.CascadeRound;
import org.qkdnet.qnode.proto.v1.CascadeRounds;
import org.qkdnet.qnode.proto.v1.CommitReply;
import org.qkdnet.qnode.proto.v1.CommitRequest;
import org.qkdnet.qnode.proto.v1.DropReply;
import org.qkdnet.qnode.proto.v1.EstimateReply;
import org.qkdnet.qnode.proto.v1.EstimateRequest;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.SiftRequest;
import org.qkdnet.qnode.proto.v1.VerifyRequest;

class PostProcessingProtoTest {

  private static BitString bits(int n, int stride) {
    BitString.Builder b = new BitString.Builder(n);
    for (int i = 0; i < n; i++) {
      b.add(i % stride == 0);
    }
    return b.build();
  }

  @Test
  void siftRequest_throughBytes_sameAnnouncement() throws Exception {
    int[] slots = {0, 1, 127, 128, 16_384, 2_000_000_000};
    SiftingAnnouncement a = new SiftingAnnouncement(1_700_000_000_000_000L, slots, bits(slots.length, 2));
    SiftRequest wire = SiftRequest.parseFrom(PostProcessingProtoMapper.toProto(a).toByteArray());
    assertThat(PostProcessingProtoMapper.fromProto(wire)).isEqualTo(a);
  }

  @Test
  void siftReply_throughBytes_sameReply() throws Exception {
    SiftingReply r = new SiftingReply(7, bits(10, 3), new byte[] {0, 1, 2, 0});
    SiftReply wire = SiftReply.parseFrom(PostProcessingProtoMapper.toProto(r).toByteArray());
    assertThat(PostProcessingProtoMapper.fromProto(7, 10, wire)).isEqualTo(r);
  }

  @Test
  void siftRequest_truncatedGaps_refusedNamingField() {
    SiftingAnnouncement a = new SiftingAnnouncement(3, new int[] {5, 300}, bits(2, 1));
    SiftRequest p = PostProcessingProtoMapper.toProto(a);
    SiftRequest cut = p.toBuilder().setSlotGaps(p.getSlotGaps().substring(0, 2)).build();
    assertThatThrownBy(() -> PostProcessingProtoMapper.fromProto(cut))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot_gaps");
    SiftRequest huge = p.toBuilder().setDetections(-1).build();
    assertThatThrownBy(() -> PostProcessingProtoMapper.fromProto(huge))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detections");
  }

  @Test
  void packedBits_wrongSize_refused() {
    assertThatThrownBy(() -> PostProcessingProtoMapper.bits(ByteString.copyFrom(new byte[3]), 8, "disclosed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disclosed has 3 bytes for 8 bits");
  }

  @Test
  void toeplitzSeed_throughBytes_sameBits() {
    long[] w = {0x0123456789abcdefL, 0x5555L};
    var seed = org.qkdnet.qnode.postprocessing.cascade.BitString.copyOf(w, 77);
    var back = PostProcessingProtoMapper.seed(PostProcessingProtoMapper.bytes(seed), 77);
    assertThat(back.contentEquals(seed)).isTrue();
  }

  @Test
  void cascadeBatch_throughBytes_sameRoundsAndAnswers() throws Exception {
    List<CascadeBatch.Round> rounds = List.of(new CascadeBatch.Round(7, new byte[] {1, 2, 3}),
        new CascadeBatch.Round(-1L, new byte[0]));
    List<CascadeBatch.Round> back = PostProcessingProtoMapper.fromProto(
        CascadeRounds.parseFrom(PostProcessingProtoMapper.toProto(rounds).toByteArray()));
    assertThat(back).extracting(CascadeBatch.Round::raw).containsExactly(7L, -1L);
    assertThat(back.get(0).questions()).containsExactly(1, 2, 3);
    assertThat(back.get(1).questions()).isEmpty();

    List<CascadeBatch.Answer> answers = List.of(new CascadeBatch.Answer(7, new byte[] {9}, ""),
        CascadeBatch.Answer.refused(-1L, "raw frame -1 is not being reconciled"));
    List<CascadeBatch.Answer> got = PostProcessingProtoMapper.fromProto(
        CascadeAnswers.parseFrom(PostProcessingProtoMapper.answersToProto(answers).toByteArray()));
    assertThat(got).extracting(CascadeBatch.Answer::raw).containsExactly(7L, -1L);
    assertThat(got.get(0).ok()).isTrue();
    assertThat(got.get(0).answers()).containsExactly(9);
    assertThat(got.get(1).ok()).isFalse();
    assertThat(got.get(1).error()).isEqualTo("raw frame -1 is not being reconciled");
    CascadeBatch.checkAnswers(rounds, got);
  }

  @Test
  void cascadeBatch_empty_tooLarge_orRepeatedFrame_isRejectedByName() {
    assertThatThrownBy(() -> PostProcessingProtoMapper.fromProto(CascadeRounds.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64 rounds, got 0");
    CascadeRounds.Builder big = CascadeRounds.newBuilder();
    for (int i = 0; i < 65; i++) {
      big.addRounds(CascadeRound.newBuilder().setRawFrameId(i));
    }
    assertThatThrownBy(() -> PostProcessingProtoMapper.fromProto(big.build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 65");
    CascadeRounds twice = CascadeRounds.newBuilder().addRounds(CascadeRound.newBuilder().setRawFrameId(3))
        .addRounds(CascadeRound.newBuilder().setRawFrameId(3)).build();
    assertThatThrownBy(() -> PostProcessingProtoMapper.fromProto(twice))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raw frame 3 appears twice");
  }

  @Test
  void cascadeAnswers_notMatchingTheRounds_areRejected() {
    List<CascadeBatch.Round> rounds = List.of(new CascadeBatch.Round(1, new byte[0]),
        new CascadeBatch.Round(2, new byte[0]));
    assertThatThrownBy(() -> CascadeBatch.checkAnswers(rounds, List.of(new CascadeBatch.Answer(1, new byte[0], ""))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 answers to 2 Cascade rounds");
    assertThatThrownBy(() -> CascadeBatch.checkAnswers(rounds, List.of(new CascadeBatch.Answer(2, new byte[0], ""),
        new CascadeBatch.Answer(1, new byte[0], ""))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("answer 0 is for raw frame 2");
  }

  @Test
  void otherMessages_throughBytes_sameFields() throws Exception {
    EstimateRequest e = EstimateRequest.newBuilder().setRawFrameId(9).setDisclosedLength(3)
        .setDisclosed(ByteString.copyFrom(new byte[] {5})).setPermutationSeed(-2).build();
    assertThat(EstimateRequest.parseFrom(e.toByteArray())).isEqualTo(e);
    EstimateReply er = EstimateReply.newBuilder().setSentSignal(10).setSentDecoy(2).setSentVacuum(1)
        .setDropReason("QBER too high").build();
    assertThat(EstimateReply.parseFrom(er.toByteArray())).isEqualTo(er);
    CascadeRound c = CascadeRound.newBuilder().setRawFrameId(1).setQuestions(ByteString.copyFrom(new byte[] {1, 2})).build();
    assertThat(CascadeRound.parseFrom(c.toByteArray())).isEqualTo(c);
    VerifyRequest v = VerifyRequest.newBuilder().setRawFrameId(1).setHashKey(-5).setTagBits(64).build();
    assertThat(VerifyRequest.parseFrom(v.toByteArray())).isEqualTo(v);
    CommitRequest cr = CommitRequest.newBuilder().setRawFrameId(1).setPoolFrameId(4).setSecureBits(800)
        .setToeplitzSeed(ByteString.copyFrom(new byte[] {9})).build();
    assertThat(CommitRequest.parseFrom(cr.toByteArray())).isEqualTo(cr);
    CommitReply ca = CommitReply.newBuilder().setOutcome(CommitReply.Outcome.REFUSED).setDetail("gap")
        .setNextPoolFrameId(4).build();
    assertThat(CommitReply.parseFrom(ca.toByteArray())).isEqualTo(ca);
    DropReply d = DropReply.newBuilder().setNextPoolFrameId(12).build();
    assertThat(DropReply.parseFrom(d.toByteArray()).getNextPoolFrameId()).isEqualTo(12);
  }
}
