package org.qkdnet.qnode.chaos;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qkdnet.qnode.keystore.DeliverableInfo;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.LinkRanges;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;

/**
 * What a stopped station's store says, read with its key-encryption key: per link its pad ranges
 * and both streams' ledgers, and the keys waiting for slave SAEs (ids only). No key material.
 */
record StationState(String station, Map<String, LinkRanges> ranges, Map<StreamId, Ledger> ledgers,
    List<DeliverableInfo> deliverables) {
  StationState {
    ranges = Map.copyOf(ranges);
    ledgers = Map.copyOf(ledgers);
    deliverables = List.copyOf(deliverables);
  }

  /** Opens the stopped station's store (which burns what a crash left in doubt, as a restart would). */
  static StationState read(String station, List<String> peers, Path dataDir, Path pki) {
    try (StationKeyStore store = StationProcess.openStore(dataDir, pki, station)) {
      Map<String, LinkRanges> ranges = new LinkedHashMap<>();
      Map<StreamId, Ledger> ledgers = new LinkedHashMap<>();
      for (String peer : peers) {
        ranges.put(peer, store.linkRanges(peer));
        ledgers.put(new StreamId(station, peer), store.ledger(new StreamId(station, peer)));
        ledgers.put(new StreamId(peer, station), store.ledger(new StreamId(peer, station)));
      }
      return new StationState(station, ranges, ledgers, store.deliverables());
    }
  }
}
