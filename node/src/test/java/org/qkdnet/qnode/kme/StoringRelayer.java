package org.qkdnet.qnode.kme;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.qkdnet.qnode.keystore.DeliverableKey;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;

/**
 * Test double for the relay layer: plays the remote KME by storing each new key straight into the
 * destination station's own key store, or fails with a chosen reason.
 */
public final class StoringRelayer implements KeyRelayer {
  private final StationKeyStore destination;
  private final SecureRandom random = new SecureRandom();
  private final List<RelayRequest> requests = new CopyOnWriteArrayList<>();
  private volatile String failReason;
  private volatile long availableBytes;
  private volatile boolean dropOneKey;

  public StoringRelayer(StationKeyStore destination, long availableBytes) {
    this.destination = destination;
    this.availableBytes = availableBytes;
  }

  /** Makes every later relay fail with {@code reason}; {@code null} makes them succeed again. */
  public void failWith(String reason) {
    this.failReason = reason;
  }

  /** Makes later relays answer with one key too few, as a broken relay layer would. */
  public void dropOneKey() {
    this.dropOneKey = true;
  }

  public void setAvailableBytes(long bytes) {
    this.availableBytes = bytes;
  }

  public List<RelayRequest> requests() {
    return requests;
  }

  @Override
  public CompletionStage<RelayedKeys> relayKeys(RelayRequest r) {
    requests.add(r);
    String reason = failReason;
    if (reason != null) {
      return CompletableFuture.failedFuture(new RelayFailedException(reason, "test relay failure"));
    }
    List<KeyMaterial> keys = new ArrayList<>();
    List<DeliverableKey> stored = new ArrayList<>();
    for (String id : r.keyIds()) {
      byte[] b = new byte[r.keySizeBytes()];
      random.nextBytes(b);
      KeyMaterial k = KeyMaterial.wrap(b);
      keys.add(k);
      stored.add(new DeliverableKey(id, r.masterSae(), r.slaveSae(), k.slice(0, k.length())));
    }
    destination.storeDeliverable(stored);
    if (dropOneKey) {
      keys.remove(keys.size() - 1);
    }
    return CompletableFuture.completedFuture(new RelayedKeys(r.keyIds().subList(0, keys.size()), keys));
  }

  @Override
  public long availableKeyBytes(String masterSae, String slaveSae, String destinationStation) {
    return availableBytes;
  }
}
