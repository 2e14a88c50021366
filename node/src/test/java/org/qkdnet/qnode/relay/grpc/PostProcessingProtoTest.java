package org.qkdnet.qnode.relay.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.sifting.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.proto.v1.CascadeRound;
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
